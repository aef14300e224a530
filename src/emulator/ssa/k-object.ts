/**
 * The JSON shapes the server-side apply module works on: any Kubernetes object as decoded from JSON.
 * Kept structural so that the emulator's own object type is assignable to it.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A decoded JSON object (`{...}`). */
export type JsonObject = { [key: string]: JsonValue };

/** One `metadata.managedFields` entry as the apiserver writes it (field order as in Kubernetes' JSON). */
export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  /** RFC 3339, seconds precision. */
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: JsonObject;
  subresource?: string;
}

/** The parts of `metadata` this module reads; everything else passes through untouched. */
export interface KObjectMeta {
  name?: string;
  namespace?: string;
  managedFields?: ManagedFieldsEntry[];
  [key: string]: unknown;
}

/** A Kubernetes object: custom resource or core object. */
export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata?: KObjectMeta;
  [key: string]: unknown;
}

export { isJsonObject } from '../../core/json-value.js';

export { jsonEqual } from '../../core/json-value.js';

/** A deep copy of a JSON value (drops `undefined` members). */
export function cloneJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => cloneJson(item)) as T;
  const copy: { [key: string]: unknown } = {};
  for (const [key, member] of Object.entries(value)) {
    if (member !== undefined) copy[key] = cloneJson(member);
  }
  return copy as T;
}
