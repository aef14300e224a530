/**
 * The emulator's seam to server-side apply and managedFields (the pure module in `./ssa/`). Every write goes
 * through it: `apply` for apply patches, `recordUpdate` for create, update and the other patches.
 */
import type { StatusCause } from './api-status.js';
import type { KubeObject } from './kube-object.js';
import type { ResourceType } from './resource-type.js';

export interface ManagedFieldsOptions {
  readonly manager: string;
  readonly apiVersion: string;
  /** RFC 3339 time of the write, second precision. */
  readonly now: string;
  readonly subresource?: 'status';
}

export type ApplyOutcome = { readonly ok: true; readonly object: KubeObject; readonly changed: boolean } | { readonly ok: false; readonly conflicts: unknown };

export interface FieldManagement {
  apply(type: ResourceType, live: KubeObject | undefined, applied: KubeObject, options: ManagedFieldsOptions & { readonly force: boolean }): ApplyOutcome;
  recordUpdate(type: ResourceType, before: KubeObject | undefined, after: KubeObject, options: ManagedFieldsOptions): KubeObject;
  conflictMessage(conflicts: unknown): string;
  conflictCauses(conflicts: unknown): StatusCause[];
}
