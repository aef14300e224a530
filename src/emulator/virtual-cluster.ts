/**
 * One virtual cluster's API semantics, without HTTP: storage, resourceVersions, generations, finalizers,
 * admission, schema checks, managed fields and change events. The HTTP handler translates requests into these
 * calls; tests and the sandbox may call them directly. Errors are thrown as `ApiError` (a `Status`).
 */
import { randomUUID } from 'node:crypto';
import type { AdmissionOperation, AdmissionPlugin, AdmissionRequest } from './admission.js';
import {
  ApiError,
  alreadyExists,
  applyConflict,
  badRequest,
  conflict,
  type FieldError,
  forbidden,
  invalid,
  namespaceNotFound,
  notFound,
  staleResourceVersion,
  unsupportedMediaType,
} from './api-status.js';
import { crdResourceTypes, establishedCrdStatus, validateCrd } from './crd-resources.js';
import type { FieldManagement } from './field-management.js';
import { type FieldRequirement, matchesFields } from './field-selector.js';
import { isPlainObject, jsonEqual, type KubeObject, type ManagedFieldsEntry } from './kube-object.js';
import { type LabelSelector, matchesLabels } from './label-selector.js';
import { ObjectStore, type StoredObject } from './object-store.js';
import { applyJsonPatch, applyMergePatch } from './patches.js';
import { ResourceRegistry } from './resource-registry.js';
import { apiVersionOf, CRDS, NAMESPACES, SECRETS, type ResourceType } from './resource-type.js';
import { checkAgainstSchema, decodeAgainstSchema } from './schema-check.js';
import { WatchHub } from './watch-hub.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteOptions {
  /** `dryRun=All`: validated and computed, not stored, no events. */
  readonly dryRun?: boolean;
  /** Default: `unknown` for updates (the apiserver derives it from the user agent); required for apply. */
  readonly fieldManager?: string;
  /** Default `Warn` (as the apiserver for clients that do not ask). */
  readonly fieldValidation?: FieldValidation;
  readonly subresource?: 'status';
  /** Apply only: take over fields other managers own. */
  readonly force?: boolean;
  /** Fields the request body names twice (create and update bodies): refused under Strict, warned under Warn. */
  readonly duplicateFields?: readonly string[];
}

export interface WriteResult {
  readonly object: KubeObject;
  readonly json: string;
  /** `true` when the write created the object (HTTP 201). */
  readonly created: boolean;
  /** Warnings for the `Warning` header (unknown fields under `fieldValidation=Warn`). */
  readonly warnings: readonly string[];
}

export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

export interface DeleteOptions {
  readonly dryRun?: boolean;
  readonly propagationPolicy?: string;
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
}

export interface ListOptions {
  readonly labelSelector?: LabelSelector;
  readonly fieldSelector?: readonly FieldRequirement[];
  readonly limit?: number;
  readonly continueToken?: string;
}

export interface ListResult {
  readonly entries: readonly StoredObject[];
  readonly resourceVersion: number;
  readonly continueToken?: string;
  readonly remainingItemCount?: number;
}

export interface VirtualClusterOptions {
  readonly name: string;
  readonly fieldManagement: FieldManagement;
  readonly admission?: readonly AdmissionPlugin[];
  /** Default: the system clock. */
  readonly clock?: () => Date;
  /** Events kept for watches resuming from a resourceVersion. Default 10,000. */
  readonly watchHistory?: number;
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function rfc3339(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

function metadataErrors(type: ResourceType, object: KubeObject): FieldError[] {
  const name = object.metadata.name ?? '';
  const errors: FieldError[] = [];
  if (type === NAMESPACES) {
    if (!DNS1123_LABEL.test(name) || name.length > 63) {
      errors.push({ field: 'metadata.name', type: 'Invalid', value: name, detail: `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')` });
    }
  } else if (!DNS1123_SUBDOMAIN.test(name) || name.length > 253) {
    errors.push({ field: 'metadata.name', type: 'Invalid', value: name, detail: `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')` });
  }
  for (const [key, value] of Object.entries(object.metadata.labels ?? {})) {
    if (typeof value !== 'string') errors.push({ field: `metadata.labels`, type: 'Invalid', value, detail: `label ${key} must be a string` });
  }
  return errors;
}

/** The object minus what a no-op write may change anyway: resourceVersion and managedFields timestamps. */
function comparable(object: KubeObject): unknown {
  const { resourceVersion: _rv, managedFields, ...metadata } = object.metadata;
  const fields = managedFields?.map((m: ManagedFieldsEntry) => ({ ...m, time: undefined }));
  return { ...object, metadata: { ...metadata, managedFields: fields } };
}

/** Everything outside metadata and status: what `metadata.generation` counts changes of. */
function specChanged(before: KubeObject, after: KubeObject): boolean {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    if (key === 'metadata' || key === 'status' || key === 'apiVersion' || key === 'kind') continue;
    if (!jsonEqual(before[key], after[key])) return true;
  }
  return false;
}

function encodeContinue(resourceVersion: number, key: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: resourceVersion, start: key })).toString('base64url');
}

function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { rv?: unknown; start?: unknown };
    if (typeof parsed.start === 'string' && typeof parsed.rv === 'number') return { rv: parsed.rv, start: parsed.start };
  } catch {
    // fall through
  }
  throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

export class VirtualCluster {
  readonly name: string;
  readonly registry = new ResourceRegistry();
  readonly store = new ObjectStore();
  readonly hub: WatchHub;
  private readonly admission: readonly AdmissionPlugin[];
  private readonly fields: FieldManagement;
  private readonly clock: () => Date;

  constructor(options: VirtualClusterOptions) {
    this.name = options.name;
    this.fields = options.fieldManagement;
    this.admission = options.admission ?? [];
    this.clock = options.clock ?? (() => new Date());
    this.hub = new WatchHub(options.watchHistory ?? 10_000);
  }

  now(): Date {
    return this.clock();
  }

  /** The served type of an apiVersion and kind, or undefined. */
  typeOf(apiVersion: string, kind: string): ResourceType | undefined {
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    return this.registry.lookupKind(group, version, kind);
  }

  // ---- reads -------------------------------------------------------------------------------------------------

  get(type: ResourceType, namespace: string | undefined, name: string): StoredObject {
    const entry = this.store.get(type.storageKey, type.namespaced ? namespace : undefined, name);
    if (!entry) throw notFound(type, name);
    return entry;
  }

  find(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.store.get(type.storageKey, type.namespaced ? namespace : undefined, name)?.object;
  }

  list(type: ResourceType, namespace: string | undefined, options: ListOptions = {}): ListResult {
    const { keys, entries } = this.store.list(type.storageKey, type.namespaced ? namespace : undefined);
    const resourceVersion = this.store.resourceVersion;
    let start = 0;
    if (options.continueToken) {
      const token = decodeContinue(options.continueToken);
      start = upperBound(keys, token.start);
    }
    const labels = options.labelSelector ?? [];
    const fields = options.fieldSelector ?? [];
    const filtering = labels.length > 0 || fields.length > 0;
    const limit = options.limit && options.limit > 0 ? options.limit : Infinity;
    if (!filtering) {
      const end = Math.min(keys.length, start + limit);
      const page = start === 0 && end === keys.length ? entries : entries.slice(start, end);
      if (end < keys.length) return { entries: page, resourceVersion, continueToken: encodeContinue(resourceVersion, keys[end - 1] as string), remainingItemCount: keys.length - end };
      return { entries: page, resourceVersion };
    }
    const page: StoredObject[] = [];
    for (let i = start; i < entries.length; i++) {
      const entry = entries[i] as StoredObject;
      if (!matchesLabels(labels, entry.object.metadata.labels) || !matchesFields(fields, entry.object)) continue;
      if (page.length === limit) return { entries: page, resourceVersion, continueToken: encodeContinue(resourceVersion, keys[i - 1] as string) };
      page.push(entry);
    }
    return { entries: page, resourceVersion };
  }

  // ---- writes ------------------------------------------------------------------------------------------------

  create(type: ResourceType, namespace: string | undefined, body: KubeObject, options: WriteOptions = {}): WriteResult {
    const object = this.decode(type, body, namespace, undefined);
    if (!object.metadata.name) {
      if (object.metadata.generateName) object.metadata.name = `${object.metadata.generateName}${randomSuffix()}`;
      else throw invalid(type.kind, type.group, '', [{ field: 'metadata.name', type: 'Required', detail: 'name or generateName is required' }]);
    }
    const name = object.metadata.name;
    this.requireNamespace(type, object.metadata.namespace, true);
    if (this.store.get(type.storageKey, object.metadata.namespace, name)) throw alreadyExists(type, name);
    const { value, warnings } = this.checkUnknownFields(type, object, options.fieldValidation ?? 'Warn', false, options.duplicateFields);
    const manager = options.fieldManager ?? 'unknown';
    return this.warned(warnings, () => {
      const withFields = this.fields.recordUpdate(type, undefined, this.prepareCreate(type, value), this.managedOptions(type, manager, options));
      return this.commit(type, undefined, withFields, options);
    });
  }

  update(type: ResourceType, namespace: string | undefined, name: string, body: KubeObject, options: WriteOptions = {}): WriteResult {
    const object = this.decode(type, body, namespace, name);
    const old = this.get(type, object.metadata.namespace, name);
    const rv = object.metadata.resourceVersion;
    if (type.custom && !rv) {
      throw invalid(type.kind, type.group, name, [{ field: 'metadata.resourceVersion', type: 'Invalid', value: 0, detail: 'must be specified for an update' }]);
    }
    if (rv && rv !== String(old.resourceVersion)) throw staleResourceVersion(type, name);
    const { value, warnings } = this.checkUnknownFields(type, object, options.fieldValidation ?? 'Warn', false, options.duplicateFields);
    return this.warned(warnings, () => {
      const next = this.prepareUpdate(type, old.object, value, options.subresource);
      const withFields = this.fields.recordUpdate(type, old.object, next, this.managedOptions(type, options.fieldManager ?? 'unknown', options));
      return this.commit(type, old, withFields, options);
    });
  }

  patch(type: ResourceType, namespace: string | undefined, name: string, patchType: PatchType, patch: unknown, options: WriteOptions = {}): WriteResult {
    if (patchType === 'apply') return this.apply(type, namespace, name, patch, options);
    if (patchType === 'strategic' && type.custom) {
      throw unsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']);
    }
    if (options.force !== undefined) throw invalid('PatchOptions', 'meta.k8s.io', '', [{ field: 'force', type: 'Forbidden', detail: 'may not be specified for non-apply patch' }]);
    const old = this.get(type, namespace, name);
    // Strategic merge on built-ins: a merge patch without the directives (the served built-ins have no merge keys).
    const patched = patchType === 'json' ? applyJsonPatch(old.object, patch) : applyMergePatch(old.object, patchType === 'strategic' ? withoutDirectives(patch) : patch);
    if (!isPlainObject(patched)) throw badRequest('the patched object is not an object');
    const object = this.decode(type, patched as KubeObject, namespace, name);
    const rv = object.metadata.resourceVersion;
    if (rv && rv !== String(old.resourceVersion)) throw staleResourceVersion(type, name);
    const { value, warnings } = this.checkUnknownFields(type, object, options.fieldValidation ?? 'Warn', false);
    return this.warned(warnings, () => {
      const next = this.prepareUpdate(type, old.object, value, options.subresource);
      const withFields = this.fields.recordUpdate(type, old.object, next, this.managedOptions(type, options.fieldManager ?? 'unknown', options));
      return this.commit(type, old, withFields, options);
    });
  }

  apply(type: ResourceType, namespace: string | undefined, name: string, body: unknown, options: WriteOptions = {}): WriteResult {
    const manager = options.fieldManager;
    if (!manager) throw invalid('PatchOptions', 'meta.k8s.io', '', [{ field: 'fieldManager', type: 'Required', detail: 'is required for apply patch' }]);
    if (!isPlainObject(body)) throw badRequest('error decoding YAML: the apply patch is not an object');
    const applied = body as KubeObject;
    if (!applied.apiVersion || !applied.kind) {
      throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(body)}'`);
    }
    if (applied.kind !== type.kind || applied.apiVersion !== apiVersionOf(type)) {
      throw badRequest(`the API version in the data (${applied.apiVersion}) does not match the expected API version (${apiVersionOf(type)})`);
    }
    const metadata = isPlainObject(applied.metadata) ? applied.metadata : {};
    if (metadata.name !== undefined && metadata.name !== name) throw badRequest(`the name of the object (${String(metadata.name)}) does not match the name on the URL (${name})`);
    if (type.namespaced && metadata.namespace !== undefined && metadata.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const config: KubeObject = { ...applied, metadata: { ...metadata, name, ...(type.namespaced ? { namespace } : {}) } };
    const { value, warnings } = this.checkUnknownFields(type, config, options.fieldValidation ?? 'Strict', true);
    const old = this.store.get(type.storageKey, type.namespaced ? namespace : undefined, name);
    if (!old) this.requireNamespace(type, namespace, true);
    const rv = value.metadata.resourceVersion;
    if (old && rv && rv !== String(old.resourceVersion)) throw staleResourceVersion(type, name);
    return this.warned(warnings, () => {
      const outcome = this.fields.apply(type, old?.object, value, { ...this.managedOptions(type, manager, options), force: options.force ?? false });
      if (!outcome.ok) {
        throw applyConflict(this.fields.conflictMessage(outcome.conflicts), this.fields.conflictCauses(outcome.conflicts));
      }
      const next = old ? this.prepareUpdate(type, old.object, outcome.object, options.subresource) : this.prepareCreate(type, outcome.object);
      return this.commit(type, old, next, options);
    });
  }

  delete(type: ResourceType, namespace: string | undefined, name: string, options: DeleteOptions = {}): { object: KubeObject; json: string; deleted: boolean } {
    const old = this.get(type, namespace, name);
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== old.object.metadata.uid) {
      throw conflict(type, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.object.metadata.uid ?? ''}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== String(old.resourceVersion)) {
      throw conflict(type, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.resourceVersion}`);
    }
    this.admit('DELETE', type, undefined, undefined, old.object, options.dryRun ?? false);
    const finalizers = old.object.metadata.finalizers ?? [];
    const pending = finalizers.length > 0 || (type === NAMESPACES && this.namespaceHasContent(name));
    if (pending) {
      if (old.object.metadata.deletionTimestamp) return { object: old.object, json: old.json, deleted: false };
      const marked: KubeObject = {
        ...old.object,
        metadata: { ...old.object.metadata, deletionTimestamp: rfc3339(this.clock()), deletionGracePeriodSeconds: 0 },
      };
      if (type.generation) marked.metadata.generation = (old.object.metadata.generation ?? 0) + 1;
      if (type === NAMESPACES) marked['status'] = { ...(isPlainObject(old.object['status']) ? old.object['status'] : {}), phase: 'Terminating' };
      if (options.dryRun) return { object: marked, json: JSON.stringify(marked), deleted: false };
      const stored = this.store_(type, marked, 'MODIFIED', old.object);
      if (type === NAMESPACES) {
        // Removing the last object of a terminating namespace removes the namespace too.
        this.deleteNamespaceContent(name);
        if (!this.store.get(type.storageKey, undefined, name)) return { object: stored.object, json: stored.json, deleted: true };
      }
      return { object: stored.object, json: stored.json, deleted: false };
    }
    if (options.dryRun) return { object: old.object, json: old.json, deleted: true };
    return { ...this.remove(type, old), deleted: true };
  }

  // ---- internals ---------------------------------------------------------------------------------------------

  /** The write's result with its warnings; a refusal carries them too (the apiserver sends them either way). */
  private warned(warnings: readonly string[], write: () => Omit<WriteResult, 'warnings'>): WriteResult {
    try {
      return { ...write(), warnings };
    } catch (error) {
      if (error instanceof ApiError) error.warnings.push(...warnings);
      throw error;
    }
  }

  private managedOptions(type: ResourceType, manager: string, options: WriteOptions) {
    const base = { manager, apiVersion: apiVersionOf(type), now: rfc3339(this.clock()) };
    return options.subresource ? { ...base, subresource: options.subresource } : base;
  }

  /** A copy of the body with apiVersion, kind, name and namespace checked against the request. */
  private decode(type: ResourceType, body: KubeObject, namespace: string | undefined, name: string | undefined): KubeObject {
    if (!isPlainObject(body)) throw badRequest('the body of the request is not an object');
    if (body.kind !== undefined && body.kind !== type.kind) {
      throw badRequest(`${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: the kind in the data (${String(body.kind)}) does not match the expected kind (${type.kind})`);
    }
    if (body.apiVersion !== undefined && body.apiVersion !== apiVersionOf(type)) {
      throw badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${apiVersionOf(type)})`);
    }
    const metadata = isPlainObject(body.metadata) ? { ...body.metadata } : {};
    if (name !== undefined) {
      if (metadata.name === undefined || metadata.name === '') metadata.name = name;
      else if (metadata.name !== name) throw badRequest(`the name of the object (${String(metadata.name)}) does not match the name on the URL (${name})`);
    }
    if (type.namespaced) {
      if (metadata.namespace && namespace && metadata.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      metadata.namespace = namespace ?? metadata.namespace;
      if (!metadata.namespace) throw badRequest('the server could not find the requested resource: a namespace is required');
    } else delete metadata.namespace;
    return { ...body, apiVersion: apiVersionOf(type), kind: type.kind, metadata };
  }

  private requireNamespace(type: ResourceType, namespace: string | undefined, forCreate: boolean): void {
    if (!type.namespaced || !namespace) return;
    const ns = this.store.get(NAMESPACES.storageKey, undefined, namespace);
    if (!ns) throw namespaceNotFound(namespace);
    if (forCreate && ns.object.metadata.deletionTimestamp) {
      throw forbidden(type, '', `unable to create new content in namespace ${namespace} because it is being terminated`);
    }
  }

  /** Unknown fields (custom resources only): Strict refuses, Warn reports, both Warn and Ignore prune. */
  private checkUnknownFields(type: ResourceType, object: KubeObject, mode: FieldValidation, isApply: boolean, duplicates: readonly string[] = []): { value: KubeObject; warnings: string[] } {
    const duplicated = duplicates.map((f) => `duplicate field "${f}"`);
    if (!type.schema) {
      if (duplicated.length > 0 && mode === 'Strict') throw badRequest(`strict decoding error: ${duplicated.join(', ')}`);
      return { value: object, warnings: mode === 'Warn' ? duplicated : [] };
    }
    const check = decodeAgainstSchema(object, type.schema);
    if (check.unknownFields.length === 0 && duplicated.length === 0) return { value: check.value, warnings: [] };
    const problems = [...duplicated, ...check.unknownFields.map((f) => `unknown field "${f}"`)];
    if (mode === 'Strict') {
      if (isApply) {
        throw badRequest(`failed to create typed patch object (${apiVersionOf(type)}, Kind=${type.kind}): ${check.unknownFields.map((f) => `.${f}: field not declared in schema`).join(', ')}`);
      }
      throw badRequest(`${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: strict decoding error: ${problems.join(', ')}`);
    }
    return { value: check.value, warnings: mode === 'Warn' ? problems : [] };
  }

  /** What the apiserver sets on create: uid, timestamps, generation; status dropped where it is a subresource. */
  private prepareCreate(type: ResourceType, object: KubeObject): KubeObject {
    const metadata = { ...object.metadata };
    delete metadata.resourceVersion;
    delete metadata.deletionTimestamp;
    delete metadata.deletionGracePeriodSeconds;
    metadata.uid = randomUUID();
    metadata.creationTimestamp = rfc3339(this.clock());
    if (type.generation) metadata.generation = 1;
    else delete metadata.generation;
    const next: KubeObject = { ...object, metadata };
    if (type.custom && type.hasStatus) delete next['status'];
    return this.kindDefaults(type, next, undefined);
  }

  /** What the apiserver keeps from the stored object on update, main resource or `/status`. */
  private prepareUpdate(type: ResourceType, old: KubeObject, object: KubeObject, subresource: string | undefined): KubeObject {
    if (subresource === 'status') {
      const next: KubeObject = { ...old, metadata: { ...old.metadata, managedFields: object.metadata.managedFields ?? old.metadata.managedFields } };
      if (object['status'] === undefined) delete next['status'];
      else next['status'] = object['status'];
      return next;
    }
    const metadata = { ...object.metadata };
    metadata.uid = old.metadata.uid;
    metadata.creationTimestamp = old.metadata.creationTimestamp;
    if (old.metadata.deletionTimestamp) {
      metadata.deletionTimestamp = old.metadata.deletionTimestamp;
      metadata.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
    } else {
      delete metadata.deletionTimestamp;
      delete metadata.deletionGracePeriodSeconds;
    }
    if (type.generation) metadata.generation = old.metadata.generation ?? 1;
    const next: KubeObject = { ...object, metadata };
    if (type.hasStatus) {
      if (old['status'] === undefined) delete next['status'];
      else next['status'] = old['status'];
    }
    return this.kindDefaults(type, next, old);
  }

  /** Built-in kinds' own rules: Secret stringData, Namespace phase and finalizer, CRD status. */
  private kindDefaults(type: ResourceType, object: KubeObject, old: KubeObject | undefined): KubeObject {
    if (type === SECRETS) {
      const next = { ...object };
      if (isPlainObject(next['stringData'])) {
        const data: Record<string, unknown> = { ...(isPlainObject(next['data']) ? next['data'] : {}) };
        for (const [k, v] of Object.entries(next['stringData'])) data[k] = Buffer.from(String(v)).toString('base64');
        next['data'] = data;
        delete next['stringData'];
      }
      if (!next['type']) next['type'] = 'Opaque';
      return next;
    }
    if (type === NAMESPACES) {
      const name = object.metadata.name ?? '';
      const next: KubeObject = { ...object, metadata: { ...object.metadata, labels: { ...object.metadata.labels, 'kubernetes.io/metadata.name': name } } };
      next['spec'] = isPlainObject(object['spec']) && Array.isArray(object['spec']['finalizers']) ? object['spec'] : { finalizers: ['kubernetes'] };
      if (!old) next['status'] = { phase: 'Active' };
      return next;
    }
    if (type === CRDS) {
      const errors = validateCrd(object);
      if (errors.length) throw invalid(type.kind, type.group, object.metadata.name ?? '', errors);
      return { ...object, status: establishedCrdStatus(object, (old?.metadata.creationTimestamp as string | undefined) ?? rfc3339(this.clock())) };
    }
    return object;
  }

  private admit(operation: AdmissionOperation, type: ResourceType, subresource: string | undefined, object: KubeObject | undefined, oldObject: KubeObject | undefined, dryRun: boolean): KubeObject | undefined {
    let current = object;
    for (const plugin of this.admission) {
      if (!plugin.mutate || current === undefined) continue;
      const request: AdmissionRequest = { operation, type, dryRun, cluster: this, object: current, ...(oldObject ? { oldObject } : {}), ...(subresource ? { subresource } : {}) };
      const mutated = plugin.mutate(request);
      if (mutated && !jsonEqual(mutated, current)) {
        current = this.fields.recordUpdate(type, current, mutated, { manager: plugin.fieldManager ?? plugin.name, apiVersion: apiVersionOf(type), now: rfc3339(this.clock()) });
      }
    }
    for (const plugin of this.admission) {
      plugin.validate?.({ operation, type, dryRun, cluster: this, ...(current ? { object: current } : {}), ...(oldObject ? { oldObject } : {}), ...(subresource ? { subresource } : {}) });
    }
    return current;
  }

  /** Admission, validation, no-op detection, generation, storage and the event: the end of every write. */
  private commit(type: ResourceType, old: StoredObject | undefined, candidate: KubeObject, options: WriteOptions): Omit<WriteResult, 'warnings'> {
    const dryRun = options.dryRun ?? false;
    let object = this.admit(old ? 'UPDATE' : 'CREATE', type, options.subresource, candidate, old?.object, dryRun) ?? candidate;
    const errors = metadataErrors(type, object);
    if (type.schema) {
      const check = checkAgainstSchema(object, type.schema, old?.object);
      errors.push(...check.errors);
      object = check.value;
    }
    if (errors.length) throw invalid(type.kind, type.group, object.metadata.name ?? '', errors);
    if (old) {
      if (jsonEqual(comparable(old.object), comparable(object))) return { object: old.object, json: old.json, created: false };
      if (type.generation && specChanged(old.object, object)) object.metadata = { ...object.metadata, generation: (old.object.metadata.generation ?? 0) + 1 };
      if (old.object.metadata.deletionTimestamp && (object.metadata.finalizers ?? []).length === 0 && !(type === NAMESPACES && this.namespaceHasContent(object.metadata.name ?? ''))) {
        if (dryRun) return { object, json: JSON.stringify(object), created: false };
        return { ...this.remove(type, { ...old, object }), created: false };
      }
    }
    if (dryRun) {
      const shown = old ? { ...object, metadata: { ...object.metadata, resourceVersion: String(old.resourceVersion) } } : object;
      return { object: shown, json: JSON.stringify(shown), created: !old };
    }
    const stored = this.store_(type, object, old ? 'MODIFIED' : 'ADDED', old?.object);
    if (type === CRDS) {
      this.registry.setCrd(object.metadata.name ?? '', crdResourceTypes(object));
      this.defaultStored(object);
    }
    for (const plugin of this.admission) {
      plugin.committed?.({ operation: old ? 'UPDATE' : 'CREATE', type, dryRun, cluster: this, object: stored.object, ...(old ? { oldObject: old.object } : {}) });
    }
    return { object: stored.object, json: stored.json, created: !old };
  }

  /**
   * The apiserver defaults custom resources when it reads them from storage, so a default added to a CRD shows
   * on objects stored before: the stored objects of the CRD's storage version are defaulted in place (same
   * resourceVersion, no event: nothing was written).
   */
  private defaultStored(crd: KubeObject): void {
    const types = this.registry.all().filter((t) => t.custom && `${t.plural}.${t.group}` === crd.metadata.name);
    const storage = types[0];
    if (!storage) return;
    for (const entry of [...this.store.list(storage.storageKey).entries]) {
      const type = types.find((t) => apiVersionOf(t) === entry.object.apiVersion) ?? storage;
      if (!type.schema) continue;
      const { value } = decodeAgainstSchema(entry.object, type.schema);
      if (!jsonEqual(value, entry.object)) this.store.put(type.storageKey, value, entry.resourceVersion);
    }
  }

  private store_(type: ResourceType, object: KubeObject, event: 'ADDED' | 'MODIFIED', previous?: KubeObject): StoredObject {
    const rv = this.store.nextResourceVersion();
    const final: KubeObject = { ...object, metadata: { ...object.metadata, resourceVersion: String(rv) } };
    const entry = this.store.put(type.storageKey, final, rv);
    this.hub.publish({ type: event, storageKey: type.storageKey, object: final, json: entry.json, resourceVersion: rv, ...(previous ? { previous } : {}) });
    return entry;
  }

  private remove(type: ResourceType, old: StoredObject): { object: KubeObject; json: string } {
    const rv = this.store.nextResourceVersion();
    const final: KubeObject = { ...old.object, metadata: { ...old.object.metadata, resourceVersion: String(rv) } };
    const json = JSON.stringify(final);
    const namespace = final.metadata.namespace;
    this.store.remove(type.storageKey, type.namespaced ? namespace : undefined, final.metadata.name ?? '');
    this.hub.publish({ type: 'DELETED', storageKey: type.storageKey, object: final, json, resourceVersion: rv });
    if (type === CRDS) this.dropCrd(final);
    if (type.namespaced && namespace) this.finishNamespaceIfEmpty(namespace);
    for (const plugin of this.admission) plugin.removed?.({ operation: 'DELETE', type, dryRun: false, cluster: this, oldObject: final });
    return { object: final, json };
  }

  private dropCrd(crd: KubeObject): void {
    const types = this.registry.removeCrd(crd.metadata.name ?? '');
    const first = types[0];
    if (!first) return;
    for (const entry of this.store.dropCollection(first.storageKey)) {
      const rv = this.store.nextResourceVersion();
      const final = { ...entry.object, metadata: { ...entry.object.metadata, resourceVersion: String(rv) } };
      this.hub.publish({ type: 'DELETED', storageKey: first.storageKey, object: final, json: JSON.stringify(final), resourceVersion: rv });
    }
  }

  /** One served type per namespaced storage collection. */
  private namespacedTypes(): ResourceType[] {
    const byStorage = new Map<string, ResourceType>();
    for (const t of this.registry.all()) if (t.namespaced && !byStorage.has(t.storageKey)) byStorage.set(t.storageKey, t);
    return [...byStorage.values()];
  }

  private namespaceHasContent(namespace: string): boolean {
    return this.namespacedTypes().some((t) => this.store.list(t.storageKey, namespace).entries.length > 0);
  }

  /** What the namespace controller does: delete everything in a terminating namespace. */
  private deleteNamespaceContent(namespace: string): void {
    for (const type of this.namespacedTypes()) {
      for (const entry of [...this.store.list(type.storageKey, namespace).entries]) {
        const current = this.store.get(type.storageKey, namespace, entry.object.metadata.name ?? '');
        if (current) this.delete(type, namespace, current.object.metadata.name ?? '');
      }
    }
  }

  private finishNamespaceIfEmpty(namespace: string): void {
    const ns = this.store.get(NAMESPACES.storageKey, undefined, namespace);
    if (!ns?.object.metadata.deletionTimestamp || (ns.object.metadata.finalizers ?? []).length > 0) return;
    if (!this.namespaceHasContent(namespace)) this.remove(NAMESPACES, ns);
  }

  /** Restores stored objects (CRDs first, so their resources are served), keeping their resourceVersions. */
  restore(snapshot: { resourceVersion: number; collections: Record<string, KubeObject[]> }): void {
    const crds = snapshot.collections[CRDS.storageKey] ?? [];
    for (const crd of crds) {
      this.store.put(CRDS.storageKey, crd, Number(crd.metadata.resourceVersion ?? 0));
      this.registry.setCrd(crd.metadata.name ?? '', crdResourceTypes(crd));
    }
    for (const [key, objects] of Object.entries(snapshot.collections)) {
      if (key === CRDS.storageKey) continue;
      for (const object of objects) this.store.put(key, object, Number(object.metadata.resourceVersion ?? 0));
    }
    this.store.advanceTo(snapshot.resourceVersion);
  }
}

/** A strategic merge patch minus its `$patch`, `$setElementOrder/...`, `$retainKeys` directives. */
function withoutDirectives(patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) if (!key.startsWith('$')) out[key] = withoutDirectives(value);
  return out;
}

function upperBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as string) <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
function randomSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += ALPHANUMS[Math.floor(Math.random() * ALPHANUMS.length)];
  return s;
}

