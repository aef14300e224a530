/** Admission plugins: what the emulator calls before storing an object (the place of the apiserver's webhooks). */
import type { KubeObject } from './kube-object.js';
import type { ResourceType } from './resource-type.js';
import type { VirtualCluster } from './virtual-cluster.js';

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE';

export interface AdmissionRequest {
  readonly operation: AdmissionOperation;
  readonly type: ResourceType;
  readonly subresource?: string;
  /** The object as it would be stored (absent on DELETE). Read-only: mutate by returning a copy. */
  readonly object?: KubeObject;
  /** The stored object (absent on CREATE). */
  readonly oldObject?: KubeObject;
  readonly dryRun: boolean;
  /** The virtual cluster the request is for, to read other objects (or create side objects in `committed`). */
  readonly cluster: VirtualCluster;
}

export interface AdmissionPlugin {
  readonly name: string;
  /**
   * A mutating webhook: returns the changed object (a new value), or undefined for no change. The changes are
   * recorded in managedFields under `fieldManager` (default: the plugin's name).
   */
  mutate?(request: AdmissionRequest): KubeObject | undefined;
  readonly fieldManager?: string;
  /** A validating webhook: throws an `ApiError` to refuse the request. */
  validate?(request: AdmissionRequest): void;
  /** Called after the object was stored (never on dry runs), for side effects such as creating a namespace. */
  committed?(request: AdmissionRequest & { readonly object: KubeObject }): void;
  /** Called after an object was removed from storage (finalizers done), for cleaning up side objects. */
  removed?(request: AdmissionRequest & { readonly oldObject: KubeObject }): void;
}
