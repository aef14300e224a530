/**
 * The narrow port the repository lock needs from Kubernetes: read, create, replace and list `coordination.k8s.io/v1`
 * Leases in one namespace. `createLeaseStore` (`src/kube/lease-client.ts`) implements it with client-node's
 * CoordinationV1Api; writes carry the resourceVersion they were based on, and a 409 (someone else wrote first)
 * becomes `LeaseConflictError`.
 */
import { KkpGitopsError } from '../core/errors.js';

/** What kkp-gitops reads and writes of a Lease. Times are milliseconds since the epoch. */
export interface LeaseState {
  readonly name: string;
  /** The version this state was read at; a replace based on an older one is refused. */
  readonly resourceVersion: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** Empty or absent: nobody holds the lease. */
  readonly holderIdentity?: string;
  readonly leaseDurationSeconds?: number;
  readonly acquireTime?: number;
  readonly renewTime?: number;
  readonly leaseTransitions?: number;
}

/** A Lease to write: every field is written as given (a replace drops what is left out). */
export type LeaseWrite = Omit<LeaseState, 'resourceVersion'>;

export interface LeaseStore {
  /** The namespace the leases live in (for messages). */
  readonly namespace: string;
  /** `undefined` when there is no such lease. */
  get(name: string): Promise<LeaseState | undefined>;
  /** Throws `LeaseConflictError` when it already exists. */
  create(lease: LeaseWrite): Promise<LeaseState>;
  /** Replaces the lease read at `resourceVersion`; throws `LeaseConflictError` when it changed since. */
  replace(lease: LeaseWrite, resourceVersion: string): Promise<LeaseState>;
  /**
   * Deletes the lease if it is still at `resourceVersion`; false when it changed since (someone holds or wrote it)
   * or is gone already.
   */
  delete(name: string, resourceVersion: string): Promise<boolean>;
  /** Leases carrying every label of `labels`. */
  list(labels: Readonly<Record<string, string>>): Promise<LeaseState[]>;
  /**
   * Resolves once the Lease, as read at `resourceVersion`, is seen released (no holder) or deleted after it: a watch
   * from that version. Resolves at once when `signal` aborts; never rejects (a watch that fails stays unresolved, the
   * caller's own timer bounds the wait). Absent: lock waiters only poll.
   */
  released?(name: string, resourceVersion: string, signal: AbortSignal): Promise<void>;
}

/** The lease was created or changed by someone else since it was read (HTTP 409). */
export class LeaseConflictError extends KkpGitopsError {
  readonly code = 'lease-conflict';
}
