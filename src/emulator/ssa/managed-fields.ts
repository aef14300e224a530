import { decodeFieldsV1, encodeFieldsV1, FieldsV1FormatError } from './fields-v1.js';
import {
  difference,
  fieldSetFromPaths,
  isEmpty,
  onlyChild,
  recursiveDifference,
  type FieldSet,
} from './field-set.js';
import type { KObject, ManagedFieldsEntry } from './k-object.js';
import { compareStrings, fieldElement } from './path-element.js';

/** One manager's ownership, decoded: the identity of a managedFields entry plus its field set. */
export interface ManagerRecord {
  readonly manager: string;
  readonly operation: 'Apply' | 'Update';
  readonly apiVersion: string;
  readonly time?: string;
  readonly subresource?: string;
  readonly set: FieldSet;
}

/**
 * The key kube-apiserver tells managers apart by: manager, operation and subresource, plus the API version
 * for `Update` entries (an applier keeps one entry whatever version it applies with). It is the JSON of the
 * entry without time and fields, which is also the order conflicts are reported in.
 */
export function managerIdentifier(record: Pick<ManagerRecord, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  const identity: Record<string, string> = { manager: record.manager, operation: record.operation };
  if (record.operation === 'Update' && record.apiVersion !== '') identity['apiVersion'] = record.apiVersion;
  if (record.subresource !== undefined && record.subresource !== '') identity['subresource'] = record.subresource;
  return JSON.stringify(identity);
}

/** The records of an object's `metadata.managedFields`. Throws FieldsV1FormatError on malformed entries. */
export function decodeManagedFields(entries: unknown): ManagerRecord[] {
  if (entries === undefined || entries === null) return [];
  if (!Array.isArray(entries)) throw new FieldsV1FormatError('metadata.managedFields must be a list');
  return entries.map((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) throw new FieldsV1FormatError('a managedFields entry must be an object');
    const { manager, operation, apiVersion, time, fieldsType, fieldsV1, subresource } = entry as Record<string, unknown>;
    if (operation !== 'Apply' && operation !== 'Update') throw new FieldsV1FormatError('managedFields operation must be Apply or Update');
    if (fieldsType !== undefined && fieldsType !== 'FieldsV1') throw new FieldsV1FormatError('managedFields fieldsType must be FieldsV1');
    return {
      manager: typeof manager === 'string' ? manager : '',
      operation,
      apiVersion: typeof apiVersion === 'string' ? apiVersion : '',
      ...(typeof time === 'string' ? { time } : {}),
      ...(typeof subresource === 'string' && subresource !== '' ? { subresource } : {}),
      set: fieldsV1 === undefined ? fieldSetFromPaths([]) : decodeFieldsV1(fieldsV1),
    };
  });
}

/**
 * `metadata.managedFields` for these records, in kube-apiserver's order: Apply before Update, then by time
 * (seconds), manager, API version and subresource. Records with empty sets are left out.
 */
export function encodeManagedFields(records: readonly ManagerRecord[]): ManagedFieldsEntry[] {
  const seconds = (time: string | undefined): number => (time === undefined ? 0 : Math.floor(Date.parse(time) / 1000) || 0);
  return records
    .filter((record) => !isEmpty(record.set))
    .slice()
    .sort(
      (a, b) =>
        compareStrings(a.operation, b.operation) ||
        seconds(a.time) - seconds(b.time) ||
        compareStrings(a.manager, b.manager) ||
        compareStrings(a.apiVersion, b.apiVersion) ||
        compareStrings(a.subresource ?? '', b.subresource ?? ''),
    )
    .map((record) => {
      const entry: ManagedFieldsEntry = {
        manager: record.manager,
        operation: record.operation,
        apiVersion: record.apiVersion,
        ...(record.time !== undefined ? { time: record.time } : {}),
        fieldsType: 'FieldsV1',
        fieldsV1: encodeFieldsV1(record.set),
      };
      if (record.subresource !== undefined) entry.subresource = record.subresource;
      return entry;
    });
}

/** Top-level and metadata fields the apiserver never records as owned (identity and system fields). */
const systemFields = fieldSetFromPaths([
  ['f:apiVersion'],
  ['f:kind'],
  ...['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink', 'managedFields'].map(
    (name) => ['f:metadata', fieldElement(name)],
  ),
]);
const metadataItself = fieldSetFromPaths([['f:metadata']]);
const statusSubtree = fieldSetFromPaths([['f:status']]);

/** Which part of an object a write may touch. */
export type WriteScope = 'whole' | 'main' | 'status';

/** The scope of a write: the status subresource, the main resource of a kind with one, or a kind without. */
export function writeScope(subresource: 'status' | undefined, statusSubresource: boolean): WriteScope {
  if (subresource === 'status') return 'status';
  return statusSubresource ? 'main' : 'whole';
}

/** A set without system fields and without what lies outside the write's scope (what gets recorded). */
export function recordableFields(set: FieldSet, scope: WriteScope): FieldSet {
  const scoped = scope === 'status' ? onlyChild(set, 'f:status') : scope === 'main' ? recursiveDifference(set, statusSubtree) : set;
  return recursiveDifference(difference(scoped, metadataItself), systemFields);
}

/** The object without `metadata.managedFields` (a copy of the outer levels only). */
export function withoutManagedFields(object: KObject): KObject {
  const metadata = object.metadata;
  if (metadata === undefined || !('managedFields' in metadata)) return object;
  const { managedFields: _dropped, ...rest } = metadata;
  return { ...object, metadata: rest };
}

/** Equality of two entry lists apart from their timestamps. */
export function sameEntriesIgnoringTime(a: readonly ManagedFieldsEntry[], b: readonly ManagedFieldsEntry[]): boolean {
  const strip = (entries: readonly ManagedFieldsEntry[]): string =>
    JSON.stringify(entries.map(({ time: _time, ...rest }) => JSON.stringify(rest)).sort(compareStrings));
  return strip(a) === strip(b);
}
