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

/** True for a JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep equality of two JSON values (key order of objects does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const left = a as { [key: string]: unknown };
  const right = b as { [key: string]: unknown };
  const leftKeys = Object.keys(left).filter((key) => left[key] !== undefined);
  const rightKeys = Object.keys(right).filter((key) => right[key] !== undefined);
  if (leftKeys.length !== rightKeys.length) return false;
  for (const key of leftKeys) {
    if (!Object.hasOwn(right, key) || !jsonEqual(left[key], right[key])) return false;
  }
  return true;
}

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
