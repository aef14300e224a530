/** Turns HTTP requests into VirtualCluster calls and their results into the apiserver's responses. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badRequest, internalError, methodNotAllowed, notFound, pathNotFound } from './api-status.js';
import {
  aggregatedContentType,
  aggregatedDiscovery,
  aggregatedDiscoveryRequested,
  coreVersions,
  groupDocument,
  groupList,
  resourceList,
  versionDocument,
} from './discovery.js';
import { parseFieldSelector } from './field-selector.js';
import { isPlainObject, type KubeObject } from './kube-object.js';
import { parseLabelSelector } from './label-selector.js';
import type { StoredObject } from './object-store.js';
import type { OpenApiCache } from './openapi-v3.js';
import { duplicateFields } from './duplicate-fields.js';
import { decodeBody, mediaType, patchTypeOf, readBody } from './request-body.js';
import type { ResourceRequest } from './request-info.js';
import { apiVersionOf, type ResourceType } from './resource-type.js';
import { queryBool } from './query-bool.js';
import { type IncludeObject, toTable, wantsTable } from './table.js';
import type { FieldValidation, VirtualCluster, WriteOptions, WriteResult } from './virtual-cluster.js';
import { streamWatch } from './watch-stream.js';

export interface HandlerContext {
  readonly cluster: VirtualCluster;
  readonly openapi: OpenApiCache;
  /** `127.0.0.1:port`, for `/api`'s serverAddressByClientCIDRs. */
  readonly serverAddress: () => string;
  readonly bookmarkIntervalMs: number;
}

const JSON_TYPE = 'application/json';

export function sendJson(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}, contentType = JSON_TYPE): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private', ...headers });
  res.end(body);
}

export function sendError(res: ServerResponse, error: unknown): void {
  const apiError = error instanceof ApiError ? error : internalError(error instanceof Error ? error.message : String(error));
  sendJson(res, apiError.status.code, JSON.stringify(apiError.status), { ...apiError.headers, ...warningHeaders(apiError.warnings) });
}

function warningHeaders(warnings: readonly string[]): Record<string, string> {
  if (warnings.length === 0) return {};
  return { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ') };
}

export async function handleNonResource(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const accept = req.headers.accept;
  const { registry } = ctx.cluster;
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  if (req.method !== 'GET' && req.method !== 'HEAD') throw pathNotFound();
  if (trimmed === '/version') return sendJson(res, 200, JSON.stringify(versionDocument()));
  if (trimmed === '/healthz' || trimmed === '/readyz' || trimmed === '/livez') return sendJson(res, 200, 'ok', {}, 'text/plain; charset=utf-8');
  if (trimmed === '/api' || trimmed === '/apis') {
    const aggregated = aggregatedDiscoveryRequested(accept);
    if (aggregated) {
      return sendJson(res, 200, JSON.stringify(aggregatedDiscovery(registry, trimmed === '/api', aggregated)), {}, aggregatedContentType(aggregated));
    }
    return sendJson(res, 200, JSON.stringify(trimmed === '/api' ? coreVersions(ctx.serverAddress()) : groupList(registry)));
  }
  if (trimmed === '/openapi/v3') return sendJson(res, 200, JSON.stringify(ctx.openapi.index()));
  if (trimmed.startsWith('/openapi/v3/')) {
    const doc = ctx.openapi.document(trimmed.slice('/openapi/v3/'.length));
    if (!doc) throw pathNotFound();
    return sendJson(res, 200, doc);
  }
  const parts = trimmed.split('/').filter((p) => p);
  if (parts[0] === 'api' && parts.length === 2) {
    const list = resourceList(registry, '', parts[1] as string);
    if (list) return sendJson(res, 200, JSON.stringify(list));
  }
  if (parts[0] === 'apis' && parts.length === 2) {
    const doc = groupDocument(registry, parts[1] as string);
    if (doc) return sendJson(res, 200, JSON.stringify(doc));
  }
  if (parts[0] === 'apis' && parts.length === 3) {
    const list = resourceList(registry, parts[1] as string, parts[2] as string);
    if (list) return sendJson(res, 200, JSON.stringify(list));
  }
  throw pathNotFound();
}

function fieldValidation(query: URLSearchParams, fallback: FieldValidation): FieldValidation {
  const value = query.get('fieldValidation');
  if (value === null || value === '') return fallback;
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore') return value;
  throw badRequest(`fieldValidation: Unsupported value: "${value}": supported values: "Ignore", "Strict", "Warn"`);
}

function dryRunOf(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  for (const v of values) if (v !== 'All') throw badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  return values.length > 0;
}

function includeObjectOf(query: URLSearchParams): IncludeObject {
  const v = query.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function outputJson(type: ResourceType, entry: { object: KubeObject; json: string }): string {
  // Multi-version CRDs without conversion: same content, requested apiVersion.
  const apiVersion = apiVersionOf(type);
  return entry.object.apiVersion === apiVersion ? entry.json : JSON.stringify({ ...entry.object, apiVersion });
}

/** Non-apply writes without `fieldManager`: the apiserver names the manager after the User-Agent's first part. */
function defaultManager(verb: string, patchType: string | undefined, userAgent: string | undefined): { fieldManager?: string } {
  if (verb === 'patch' && patchType === 'apply') return {};
  const prefix = (userAgent ?? '').split('/')[0]?.slice(0, 128) ?? '';
  return { fieldManager: prefix || 'unknown' };
}

function wantsPartialMetadata(accept: string | undefined): boolean {
  return !!accept && /as=PartialObjectMetadata(List)?\b/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

function partial(object: KubeObject): Record<string, unknown> {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata };
}

function listJson(type: ResourceType, entries: readonly StoredObject[], metadata: Record<string, unknown>): string {
  const apiVersion = apiVersionOf(type);
  let items = '';
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as StoredObject;
    if (i > 0) items += ',';
    items += entry.object.apiVersion === apiVersion ? entry.json : JSON.stringify({ ...entry.object, apiVersion });
  }
  return `{"kind":${JSON.stringify(type.listKind)},"apiVersion":${JSON.stringify(apiVersion)},"metadata":${JSON.stringify(metadata)},"items":[${items}]}`;
}

export async function handleResource(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse, info: ResourceRequest, query: URLSearchParams): Promise<void> {
  const { cluster } = ctx;
  const type = cluster.registry.lookup(info.group, info.version, info.resource);
  if (!type) throw pathNotFound();
  if (info.subresource && !(info.subresource === 'status' && type.hasStatus)) throw pathNotFound();
  if (info.namespace !== undefined && !type.namespaced) throw pathNotFound();
  const namespace = type.namespaced ? info.namespace : undefined;
  const accept = req.headers.accept;

  switch (info.verb) {
    case 'get': {
      const entry = cluster.get(type, namespace, info.name as string);
      if (wantsTable(accept)) {
        const table = toTable(type, [entry.object], { resourceVersion: String(entry.resourceVersion), include: includeObjectOf(query), nowMs: cluster.now().getTime() });
        return sendJson(res, 200, JSON.stringify(table), {}, 'application/json;as=Table;v=v1;g=meta.k8s.io');
      }
      if (wantsPartialMetadata(accept)) return sendJson(res, 200, JSON.stringify(partial(entry.object)), {}, 'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io');
      return sendJson(res, 200, outputJson(type, entry));
    }
    case 'list': {
      const limit = query.get('limit');
      const continueToken = query.get('continue');
      const result = cluster.list(type, namespace, {
        labelSelector: parseLabelSelector(query.get('labelSelector')),
        fieldSelector: parseFieldSelector(query.get('fieldSelector')),
        ...(limit ? { limit: Number(limit) } : {}),
        ...(continueToken ? { continueToken } : {}),
      });
      const metadata: Record<string, unknown> = { resourceVersion: String(result.resourceVersion) };
      if (result.continueToken) metadata['continue'] = result.continueToken;
      if (result.remainingItemCount !== undefined) metadata['remainingItemCount'] = result.remainingItemCount;
      if (wantsTable(accept)) {
        const table = toTable(
          type,
          result.entries.map((e) => e.object),
          {
            resourceVersion: String(result.resourceVersion),
            include: includeObjectOf(query),
            nowMs: cluster.now().getTime(),
            ...(result.continueToken ? { continueToken: result.continueToken } : {}),
            ...(result.remainingItemCount !== undefined ? { remaining: result.remainingItemCount } : {}),
          },
        );
        return sendJson(res, 200, JSON.stringify(table), {}, 'application/json;as=Table;v=v1;g=meta.k8s.io');
      }
      if (wantsPartialMetadata(accept)) {
        const body = { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata, items: result.entries.map((e) => partial(e.object)) };
        return sendJson(res, 200, JSON.stringify(body), {}, 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io');
      }
      return sendJson(res, 200, listJson(type, result.entries, metadata));
    }
    case 'watch': {
      const timeout = query.get('timeoutSeconds');
      const rv = query.get('resourceVersion');
      streamWatch(cluster, res, {
        type,
        ...(namespace !== undefined ? { namespace } : {}),
        labelSelector: parseLabelSelector(query.get('labelSelector')),
        fieldSelector: [
          ...parseFieldSelector(query.get('fieldSelector')),
          ...(info.name ? [{ field: 'metadata.name' as const, negated: false, value: info.name }] : []),
        ],
        ...(rv !== null ? { resourceVersion: rv } : {}),
        allowBookmarks: queryBool(query, 'allowWatchBookmarks'),
        sendInitialEvents: queryBool(query, 'sendInitialEvents'),
        ...(timeout ? { timeoutSeconds: Number(timeout) } : {}),
        ...(wantsTable(accept) ? { table: { include: includeObjectOf(query) } } : {}),
        bookmarkIntervalMs: ctx.bookmarkIntervalMs,
      });
      return;
    }
    case 'create':
    case 'update':
    case 'patch': {
      if (info.subresource && info.verb === 'create') throw methodNotAllowed('create', type);
      const contentType = req.headers['content-type'];
      const raw = await readBody(req);
      const body = decodeBody(raw, contentType);
      // Duplicate fields of JSON create and update bodies (YAML bodies are refused by the YAML parser already).
      const text = info.verb === 'patch' || mediaType(contentType).includes('protobuf') ? '' : raw.toString('utf8').trimStart();
      const duplicates = text.startsWith('{') ? duplicateFields(text) : [];
      const options: WriteOptions = {
        dryRun: dryRunOf(query),
        ...(query.get('fieldManager') ? { fieldManager: query.get('fieldManager') as string } : defaultManager(info.verb, patchTypeOf(req.headers['content-type']), req.headers['user-agent'])),
        ...(info.subresource === 'status' ? { subresource: 'status' as const } : {}),
        ...(query.has('force') ? { force: queryBool(query, 'force') } : {}),
        ...(duplicates.length > 0 ? { duplicateFields: duplicates } : {}),
      };
      let result: WriteResult;
      if (info.verb === 'create') {
        if (!isPlainObject(body)) throw badRequest('the body of the request was empty or not an object');
        result = cluster.create(type, namespace, body as KubeObject, { ...options, fieldValidation: fieldValidation(query, 'Warn') });
      } else if (info.verb === 'update') {
        if (!isPlainObject(body)) throw badRequest('the body of the request was empty or not an object');
        result = cluster.update(type, namespace, info.name as string, body as KubeObject, { ...options, fieldValidation: fieldValidation(query, 'Warn') });
      } else {
        const patchType = patchTypeOf(contentType);
        if (!patchType) {
          throw new ApiError({
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Failure',
            message: `the server responded with the status code 415 but did not return more information`,
            reason: 'UnsupportedMediaType',
            code: 415,
            details: {},
          });
        }
        const mode = fieldValidation(query, patchType === 'apply' ? 'Strict' : 'Warn');
        result = cluster.patch(type, namespace, info.name as string, patchType, body, { ...options, fieldValidation: mode });
      }
      return sendJson(res, result.created ? 201 : 200, outputJson(type, result), warningHeaders(result.warnings));
    }
    case 'delete': {
      if (info.subresource) throw methodNotAllowed('delete', type);
      const raw = await readBody(req);
      const body = raw.length ? decodeBody(raw, req.headers['content-type']) : undefined;
      const options = isPlainObject(body) ? body : {};
      const bodyDryRun = Array.isArray(options['dryRun']) && options['dryRun'].includes('All');
      const policy = query.get('propagationPolicy') ?? (typeof options['propagationPolicy'] === 'string' ? options['propagationPolicy'] : undefined);
      if (policy !== undefined && policy !== 'Orphan' && policy !== 'Background' && policy !== 'Foreground') {
        throw badRequest(`propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
      }
      const preconditions = isPlainObject(options['preconditions']) ? (options['preconditions'] as { uid?: string; resourceVersion?: string }) : undefined;
      const result = cluster.delete(type, namespace, info.name as string, {
        dryRun: dryRunOf(query) || bodyDryRun,
        ...(policy ? { propagationPolicy: policy } : {}),
        ...(preconditions ? { preconditions } : {}),
      });
      return sendJson(res, 200, outputJson(type, result));
    }
    case 'deletecollection': {
      const result = cluster.list(type, namespace, {
        labelSelector: parseLabelSelector(query.get('labelSelector')),
        fieldSelector: parseFieldSelector(query.get('fieldSelector')),
      });
      const dryRun = dryRunOf(query);
      const deleted = result.entries.map((e) => cluster.delete(type, e.object.metadata.namespace, e.object.metadata.name ?? '', { dryRun }));
      const metadata = { resourceVersion: String(cluster.store.resourceVersion) };
      return sendJson(res, 200, listJson(type, deleted.map((d) => ({ object: d.object, json: d.json, resourceVersion: 0 })), metadata));
    }
  }
  throw notFound(type, info.name ?? '');
}

