/**
 * OpenAPI v3 documents, one per group/version, as `kubectl` reads them: schemas tagged with
 * `x-kubernetes-group-version-kind`, and PATCH operations that declare `fieldValidation` (so kubectl validates
 * on the server with `fieldValidation=Strict`) and the patch media types each resource accepts.
 */
import { createHash } from 'node:crypto';
import type { ResourceRegistry } from './resource-registry.js';
import type { ResourceType } from './resource-type.js';

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const LIST_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';
const STATUS = 'io.k8s.apimachinery.pkg.apis.meta.v1.Status';

const PRESERVE = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
const STRING_MAP = { type: 'object', additionalProperties: { type: 'string', default: '' } };

const META_SCHEMAS: Record<string, unknown> = {
  [OBJECT_META]: {
    type: 'object',
    properties: {
      name: { type: 'string' },
      generateName: { type: 'string' },
      namespace: { type: 'string' },
      uid: { type: 'string' },
      resourceVersion: { type: 'string' },
      generation: { type: 'integer', format: 'int64' },
      creationTimestamp: { type: 'string', format: 'date-time' },
      deletionTimestamp: { type: 'string', format: 'date-time' },
      deletionGracePeriodSeconds: { type: 'integer', format: 'int64' },
      labels: STRING_MAP,
      annotations: STRING_MAP,
      finalizers: { type: 'array', items: { type: 'string', default: '' }, 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' },
      ownerReferences: { type: 'array', items: PRESERVE },
      managedFields: { type: 'array', items: PRESERVE },
    },
  },
  [LIST_META]: { type: 'object', properties: { resourceVersion: { type: 'string' }, continue: { type: 'string' }, remainingItemCount: { type: 'integer' } } },
  [STATUS]: { type: 'object', properties: { kind: { type: 'string' }, apiVersion: { type: 'string' }, status: { type: 'string' }, message: { type: 'string' }, reason: { type: 'string' }, code: { type: 'integer' } } },
};

/** Simplified schemas of the built-in kinds; enough for explain and client-side checks. */
const BUILTIN_SCHEMAS: Record<string, Record<string, unknown>> = {
  Namespace: { spec: { type: 'object', properties: { finalizers: { type: 'array', items: { type: 'string' } } } }, status: { type: 'object', properties: { phase: { type: 'string' } } } },
  Secret: { data: { type: 'object', additionalProperties: { type: 'string', format: 'byte' } }, stringData: STRING_MAP, type: { type: 'string' }, immutable: { type: 'boolean' } },
  ConfigMap: { data: STRING_MAP, binaryData: { type: 'object', additionalProperties: { type: 'string', format: 'byte' } }, immutable: { type: 'boolean' } },
  Lease: {
    spec: {
      type: 'object',
      properties: {
        holderIdentity: { type: 'string' },
        leaseDurationSeconds: { type: 'integer', format: 'int32' },
        acquireTime: { type: 'string', format: 'date-time' },
        renewTime: { type: 'string', format: 'date-time' },
        leaseTransitions: { type: 'integer', format: 'int32' },
      },
    },
  },
  CustomResourceDefinition: { spec: PRESERVE, status: PRESERVE },
};

function reverseGroup(group: string): string {
  if (!group) return 'io.k8s.api.core';
  if (group.endsWith('.k8s.io')) return `io.k8s.api.${group.slice(0, -'.k8s.io'.length)}`;
  return group.split('.').reverse().join('.');
}

export function schemaName(t: Pick<ResourceType, 'group' | 'version' | 'kind'>): string {
  return `${reverseGroup(t.group)}.${t.version}.${t.kind}`;
}

function kindSchema(t: ResourceType): Record<string, unknown> {
  const base = t.schema ? { ...t.schema } : { type: 'object', properties: BUILTIN_SCHEMAS[t.kind] ?? {} };
  const properties = { ...((base['properties'] as Record<string, unknown> | undefined) ?? {}) };
  properties['apiVersion'] = { type: 'string' };
  properties['kind'] = { type: 'string' };
  properties['metadata'] = { allOf: [{ $ref: `#/components/schemas/${OBJECT_META}` }], default: {} };
  return { ...base, properties, 'x-kubernetes-group-version-kind': [{ group: t.group, kind: t.kind, version: t.version }] };
}

function listSchema(t: ResourceType): Record<string, unknown> {
  return {
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      items: { type: 'array', items: { $ref: `#/components/schemas/${schemaName(t)}` } },
      metadata: { allOf: [{ $ref: `#/components/schemas/${LIST_META}` }], default: {} },
    },
    'x-kubernetes-group-version-kind': [{ group: t.group, kind: t.listKind, version: t.version }],
  };
}

const QUERY = (name: string, type = 'string') => ({ name, in: 'query', schema: { type, uniqueItems: true } });
const WRITE_PARAMETERS = [QUERY('dryRun'), QUERY('fieldManager'), QUERY('fieldValidation')];

function jsonContent(ref: string): Record<string, unknown> {
  return { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } }, 'application/yaml': { schema: { $ref: `#/components/schemas/${ref}` } } };
}

function operation(t: ResourceType, action: string, id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const status = action === 'post' ? '201' : '200';
  const responseRef = action === 'list' ? `${schemaName(t)}List` : schemaName(t);
  return {
    description: `${action} ${t.kind}`,
    operationId: `${id}${t.kind}`,
    responses: { [status]: { description: 'OK', content: jsonContent(responseRef) }, '401': { description: 'Unauthorized' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: t.group, version: t.version, kind: t.kind },
    ...extra,
  };
}

function resourcePaths(t: ResourceType): Record<string, unknown> {
  const prefix = t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
  const collection = t.namespaced ? `${prefix}/namespaces/{namespace}/${t.plural}` : `${prefix}/${t.plural}`;
  const pathParameters = t.namespaced ? [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } }] : [];
  const nameParameter = { name: 'name', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } };
  const patchTypes = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml', ...(t.custom ? [] : ['application/strategic-merge-patch+json'])];
  const patchBody = { content: Object.fromEntries(patchTypes.map((m) => [m, { schema: { type: 'object' } }])), required: true };
  const body = { content: jsonContent(schemaName(t)), required: true };
  const paths: Record<string, unknown> = {
    [collection]: {
      get: operation(t, 'list', 'list', { parameters: [QUERY('labelSelector'), QUERY('fieldSelector'), QUERY('limit', 'integer'), QUERY('continue'), QUERY('watch', 'boolean')] }),
      post: operation(t, 'post', 'create', { parameters: WRITE_PARAMETERS, requestBody: body }),
      parameters: pathParameters,
    },
    [`${collection}/{name}`]: {
      get: operation(t, 'get', 'read'),
      put: operation(t, 'put', 'replace', { parameters: WRITE_PARAMETERS, requestBody: body }),
      patch: operation(t, 'patch', 'patch', { parameters: [...WRITE_PARAMETERS, QUERY('force', 'boolean')], requestBody: patchBody }),
      delete: operation(t, 'delete', 'delete', { parameters: [QUERY('dryRun'), QUERY('propagationPolicy')] }),
      parameters: [nameParameter, ...pathParameters],
    },
  };
  if (t.hasStatus) {
    paths[`${collection}/{name}/status`] = {
      get: operation(t, 'get', 'read', { operationId: `read${t.kind}Status` }),
      put: operation(t, 'put', 'replace', { operationId: `replace${t.kind}Status`, parameters: WRITE_PARAMETERS, requestBody: body }),
      patch: operation(t, 'patch', 'patch', { operationId: `patch${t.kind}Status`, parameters: [...WRITE_PARAMETERS, QUERY('force', 'boolean')], requestBody: patchBody }),
      parameters: [nameParameter, ...pathParameters],
    };
  }
  return paths;
}

export function openApiDocument(registry: ResourceRegistry, group: string, version: string): Record<string, unknown> | undefined {
  const types = registry.inGroupVersion(group, version);
  if (types.length === 0) return undefined;
  const schemas: Record<string, unknown> = { ...META_SCHEMAS };
  let paths: Record<string, unknown> = {};
  for (const t of types) {
    schemas[schemaName(t)] = kindSchema(t);
    schemas[`${schemaName(t)}List`] = listSchema(t);
    paths = { ...paths, ...resourcePaths(t) };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas } };
}

/** `/openapi/v3/` discovery path of a group/version: `api/v1`, `apis/<group>/<version>`. */
export function openApiPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** Caches the serialized documents and their hashes until the registry changes. */
export class OpenApiCache {
  private generation = -1;
  private documents = new Map<string, { json: string; hash: string }>();

  constructor(private readonly registry: ResourceRegistry) {}

  private refresh(): void {
    if (this.generation === this.registry.generation) return;
    this.documents = new Map();
    for (const [group, versions] of this.registry.groups()) {
      for (const version of versions) {
        const doc = openApiDocument(this.registry, group, version);
        if (!doc) continue;
        const json = JSON.stringify(doc);
        const hash = createHash('sha512').update(json).digest('hex').toUpperCase();
        this.documents.set(openApiPath(group, version), { json, hash });
      }
    }
    this.generation = this.registry.generation;
  }

  index(): Record<string, unknown> {
    this.refresh();
    const paths: Record<string, unknown> = {};
    for (const [path, doc] of this.documents) paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${doc.hash}` };
    return { paths };
  }

  document(path: string): string | undefined {
    this.refresh();
    return this.documents.get(path)?.json;
  }
}

