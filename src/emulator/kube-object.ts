/** The shapes the emulator stores and serves: plain JSON objects with Kubernetes object metadata. */

import type { ManagedFieldsEntry } from './ssa/index.js';

export type { ManagedFieldsEntry };

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string | null;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: unknown[];
  managedFields?: ManagedFieldsEntry[];
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export { isJsonObject as isPlainObject } from '../core/json-value.js';

export { jsonEqual } from '../core/json-value.js';

/** A deep copy of a JSON value (the emulator never changes a stored object in place). */
export function cloneJson<T>(value: T): T {
  return structuredClone(value);
}

/** The object with `metadata.managedFields` and `metadata.resourceVersion` left out, for no-op detection. */
export function withoutVolatileMetadata(object: KubeObject): KubeObject {
  const { managedFields: _m, resourceVersion: _r, ...metadata } = object.metadata;
  return { ...object, metadata };
}
