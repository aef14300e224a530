import { compareValues } from './compare-values.js';
import type { FieldConflict } from './field-conflict.js';
import { fieldSetOf } from './field-set-of.js';
import {
  difference,
  emptyFieldSet,
  fieldSetsEqual,
  intersection,
  isEmpty,
  pathList,
  union,
  withAncestors,
  type FieldSet,
} from './field-set.js';
import { cloneJson, isJsonObject, jsonEqual, type KObject } from './k-object.js';
import {
  decodeManagedFields,
  encodeManagedFields,
  managerIdentifier,
  recordableFields,
  sameEntriesIgnoringTime,
  withoutManagedFields,
  writeScope,
  type ManagerRecord,
  type WriteScope,
} from './managed-fields.js';
import { mergeValues } from './merge-values.js';
import { formatPath } from './path-element.js';
import { removeFieldSet } from './remove-field-set.js';
import type { TypeSchema } from './type-schema.js';

export interface ApplyOptions {
  /** The field manager (`fieldManager` query parameter). */
  readonly manager: string;
  /** `force=true`: take conflicting fields instead of refusing. */
  readonly force: boolean;
  /** The API version the configuration was applied with (recorded in the entry). */
  readonly apiVersion: string;
  /** The current time, RFC 3339 (`2024-05-01T10:00:00Z`). */
  readonly now: string;
  /** How to merge and own each path of this kind. */
  readonly schema: TypeSchema;
  /** `'status'` for an apply to the /status subresource. */
  readonly subresource?: 'status';
  /**
   * Whether the kind has a /status subresource (default true). When it has, `status` is ignored on the main
   * resource and only `status` is applied on the subresource; when not, `status` is an ordinary field.
   */
  readonly statusSubresource?: boolean;
}

export type ApplyResult =
  | { readonly ok: true; readonly object: KObject; readonly changed: boolean }
  | { readonly ok: false; readonly conflicts: FieldConflict[] };

/** The manager kube-apiserver assigns all fields of an object that has no managedFields at all. */
export const BEFORE_FIRST_APPLY_MANAGER = 'before-first-apply';

/**
 * Server-side apply as kube-apiserver does it (structured-merge-diff's Updater.Apply plus the apiserver's
 * managedFields bookkeeping). `live` is the stored object (undefined on create), `applied` the applied
 * configuration. The result object carries the new `metadata.managedFields`; the server still sets uid,
 * resourceVersion, generation and timestamps. Inputs are not modified.
 *
 * Throws FieldsV1FormatError when the live object's managedFields are malformed.
 */
export function applyServerSide(live: KObject | undefined, applied: KObject, options: ApplyOptions): ApplyResult {
  const scope = writeScope(options.subresource, options.statusSubresource ?? true);
  const liveContent = live === undefined ? undefined : withoutManagedFields(live);
  const config = scopedConfiguration(applied, scope);

  const stored = live === undefined ? [] : decodeManagedFields(live.metadata?.managedFields);
  let records = stored;
  if (live !== undefined && records.length === 0) {
    const everything = recordableFields(fieldSetOf(liveContent, options.schema), writeScope(undefined, options.statusSubresource ?? true));
    records = [{ manager: BEFORE_FIRST_APPLY_MANAGER, operation: 'Update', apiVersion: options.apiVersion, set: everything }];
  }
  const identity = { manager: options.manager, operation: 'Apply' as const, apiVersion: options.apiVersion, ...(options.subresource ? { subresource: options.subresource } : {}) };
  const selfKey = managerIdentifier(identity);
  const previous = records.find((record) => managerIdentifier(record) === selfKey);
  const others = records.filter((record) => managerIdentifier(record) !== selfKey);

  // Merge, then prune what this manager applied last time, dropped now, and nobody else owns.
  const appliedFields = fieldSetOf(config, options.schema);
  let merged = mergeValues(liveContent ?? {}, config, options.schema) as KObject;
  if (previous !== undefined) {
    const stillOwned = withAncestors(others.reduce((all, record) => union(all, record.set), appliedFields));
    const dropped = difference(withAncestors(previous.set), stillOwned);
    if (!isEmpty(dropped)) merged = removeFieldSet(merged, dropped, options.schema) as KObject;
  }

  // Fields whose value changes are conflicts when someone else owns them; removed fields leave every set.
  const comparison = compareValues(liveContent ?? {}, merged, options.schema);
  const touched = recordableFields(union(comparison.modified, comparison.added), scope);
  const removed = recordableFields(comparison.removed, scope);
  const conflicts: FieldConflict[] = [];
  const taken = new Map<ManagerRecord, FieldSet>();
  for (const record of others) {
    const overlap = intersection(record.set, touched);
    if (isEmpty(overlap)) continue;
    taken.set(record, overlap);
    for (const path of pathList(overlap)) {
      conflicts.push({
        manager: record.manager,
        operation: record.operation,
        apiVersion: record.apiVersion,
        ...(record.subresource !== undefined ? { subresource: record.subresource } : {}),
        path: formatPath(path),
      });
    }
  }
  if (conflicts.length > 0 && !options.force) {
    return { ok: false, conflicts: sortConflicts(conflicts) };
  }

  const contentChanged = liveContent === undefined || !jsonEqual(liveContent, merged);
  const selfSet = recordableFields(appliedFields, scope);
  const setChanged = previous === undefined || !fieldSetsEqual(previous.set, selfSet) || previous.apiVersion !== options.apiVersion;
  const time = contentChanged || setChanged || previous?.time === undefined ? options.now : previous.time;
  const next: ManagerRecord[] = [
    ...others.map((record) => ({ ...record, set: difference(difference(record.set, taken.get(record) ?? emptyFieldSet()), removed) })),
    { ...identity, time, set: selfSet },
  ];
  const entries = encodeManagedFields(next);

  if (live !== undefined && !contentChanged && sameEntriesIgnoringTime(encodeManagedFields(stored), entries)) {
    return { ok: true, object: cloneJson(live), changed: false };
  }
  return { ok: true, object: withManagedFields(merged, entries), changed: true };
}

/** The applied configuration restricted to what the write may change, without system metadata. */
function scopedConfiguration(applied: KObject, scope: WriteScope): KObject {
  const metadata = isJsonObject(applied.metadata) ? applied.metadata : {};
  const {
    managedFields: _managedFields,
    uid: _uid,
    resourceVersion: _resourceVersion,
    generation: _generation,
    creationTimestamp: _creationTimestamp,
    deletionTimestamp: _deletionTimestamp,
    deletionGracePeriodSeconds: _deletionGracePeriodSeconds,
    selfLink: _selfLink,
    ...keptMetadata
  } = metadata;
  if (scope === 'status') {
    const identityMetadata: Record<string, unknown> = {};
    if (keptMetadata['name'] !== undefined) identityMetadata['name'] = keptMetadata['name'];
    if (keptMetadata['namespace'] !== undefined) identityMetadata['namespace'] = keptMetadata['namespace'];
    const out: KObject = {};
    if (applied.apiVersion !== undefined) out.apiVersion = applied.apiVersion;
    if (applied.kind !== undefined) out.kind = applied.kind;
    out.metadata = identityMetadata;
    if (applied['status'] !== undefined) out['status'] = applied['status'];
    return out;
  }
  const { status: _status, ...rest } = applied;
  return { ...(scope === 'main' ? rest : applied), metadata: keptMetadata };
}

function withManagedFields(object: KObject, entries: ReturnType<typeof encodeManagedFields>): KObject {
  const metadata = { ...(object.metadata ?? {}) };
  if (entries.length > 0) metadata.managedFields = entries;
  else delete metadata.managedFields;
  return { ...object, metadata };
}

function sortConflicts(conflicts: FieldConflict[]): FieldConflict[] {
  const order = new Map(conflicts.map((conflict, index) => [conflict, index]));
  return conflicts.slice().sort((a, b) => {
    const byManager = managerIdentifier(a) < managerIdentifier(b) ? -1 : managerIdentifier(a) > managerIdentifier(b) ? 1 : 0;
    return byManager || (order.get(a) ?? 0) - (order.get(b) ?? 0);
  });
}
