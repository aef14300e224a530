import { compareValues } from './compare-values.js';
import { difference, emptyFieldSet, isEmpty, union } from './field-set.js';
import { isJsonObject, jsonEqual, type KObject } from './k-object.js';
import {
  decodeManagedFields,
  encodeManagedFields,
  managerIdentifier,
  recordableFields,
  withoutManagedFields,
  writeScope,
  type ManagerRecord,
} from './managed-fields.js';
import type { TypeSchema } from './type-schema.js';

export interface RecordUpdateOptions {
  /** The field manager: the `fieldManager` parameter, or the apiserver's default from the User-Agent. */
  readonly manager: string;
  /** The API version of the request. */
  readonly apiVersion: string;
  /** The current time, RFC 3339. */
  readonly now: string;
  readonly schema: TypeSchema;
  readonly subresource?: 'status';
  /** Whether the kind has a /status subresource (default true); see ApplyOptions. */
  readonly statusSubresource?: boolean;
}

/**
 * The managedFields bookkeeping of a non-apply write (create, PUT, merge patch, JSON patch), as
 * kube-apiserver does it: the manager's `Update` entry gains the fields the write added or changed, those
 * fields leave every other manager's set, removed fields leave every set, and empty entries are dropped.
 * `before` is the stored object (undefined on create), `after` the object about to be stored. Returns
 * `after` with the new `metadata.managedFields`. A request that sets `managedFields` to something other
 * than the stored value replaces them (kube-apiserver honours explicit managedFields); `[{}]` clears them.
 * Inputs are not modified.
 *
 * Throws FieldsV1FormatError when the managedFields to start from are malformed.
 */
export function recordUpdate(before: KObject | undefined, after: KObject, options: RecordUpdateOptions): KObject {
  const requested = after.metadata?.managedFields as unknown;
  const stored = before?.metadata?.managedFields as unknown;
  if (Array.isArray(requested) && requested.length === 1 && isJsonObject(requested[0]) && Object.keys(requested[0]).length === 0) {
    return withoutManagedFields(after);
  }
  const start = Array.isArray(requested) && requested.length > 0 && !jsonEqual(requested, stored) ? requested : stored;
  const records = decodeManagedFields(start);

  const scope = writeScope(options.subresource, options.statusSubresource ?? true);
  const comparison = compareValues(before === undefined ? {} : withoutManagedFields(before), withoutManagedFields(after), options.schema);
  const touched = recordableFields(union(comparison.modified, comparison.added), scope);
  const removed = recordableFields(comparison.removed, scope);

  const identity = {
    manager: options.manager,
    operation: 'Update' as const,
    apiVersion: options.apiVersion,
    ...(options.subresource ? { subresource: options.subresource } : {}),
  };
  const selfKey = managerIdentifier(identity);
  const previous = records.find((record) => managerIdentifier(record) === selfKey);
  const next: ManagerRecord[] = records
    .filter((record) => record !== previous)
    .map((record) => ({ ...record, set: difference(difference(record.set, touched), removed) }));
  const selfSet = union(difference(previous?.set ?? emptyFieldSet(), removed), touched);
  const time = !isEmpty(touched) || previous?.time === undefined ? options.now : previous.time;
  next.push({ ...identity, time, set: selfSet });

  const entries = encodeManagedFields(next);
  const metadata = { ...(after.metadata ?? {}) };
  if (entries.length > 0) metadata.managedFields = entries;
  else delete metadata.managedFields;
  return { ...after, metadata };
}
