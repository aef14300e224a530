import type { Action } from '../action.js';
import type { ObjectId } from '../object-id.js';
import type { KubeObject } from '../render/kube-object.js';
import type { UnrenderedDocument } from '../render/desired-state.js';

/** One field that differs. `before`/`after` are absent when the field is not set on that side. */
export interface FieldChange {
  /** Dotted path (`spec.cloud.dc`, `metadata.labels.project-id`, `spec.datacenters.aws-eu-central-1`). */
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

/** The change one object needs. */
export interface Change {
  readonly id: ObjectId;
  readonly action: Action;
  /** `<file>:<line>` of the document it was rendered from; absent for deletions. */
  readonly source?: string;
  /** Field-level differences (managed fields only); sensitive values are replaced by `SENSITIVE_PLACEHOLDER`. */
  readonly diff: readonly FieldChange[];
  /** Deletes a Cluster or Seed, or removes a datacenter from a Seed. */
  readonly destructive: boolean;
  /** The live object differs from what kkp-gitops last applied, although Git did not change it. */
  readonly drift: boolean;
  /**
   * An update that takes over a live object kkp-gitops did not create (made by hand, or by another tool): it needs
   * the same allowance as a destructive change. Absent when false.
   */
  readonly adoption?: boolean;
  /** Why the change is skipped (action `skip`). */
  readonly reason?: string;
  /** Why KKP would refuse this change; a change with errors is never written. */
  readonly errors: readonly string[];
  /** For create and update: the manifest to apply. Left out of reports. */
  readonly manifest?: KubeObject;
  /** For delete: the live object's uid, used as the delete precondition. */
  readonly uid?: string;
  /** For create and update: why the API server's dry-run could not judge this change (absent when it did). */
  readonly notDryRun?: string;
}

export type StagePhase = 'apply' | 'delete';

/** Changes that may run together: one apply-order step of the kind table. */
export interface PlanStage {
  readonly phase: StagePhase;
  /**
   * The kind table's `applyOrder` of the kinds in this stage, or a step earlier for changes the apply order table
   * puts first (src/core/apply/apply-order.ts: a Seed giving up a datacenter runs at 9.5, before the Seeds at 10).
   */
  readonly order: number;
  readonly kinds: readonly string[];
  readonly changes: readonly Change[];
}

export type TargetStatus = 'ready' | 'unreachable';

export interface TargetPlan {
  readonly target: string;
  readonly status: TargetStatus;
  /** Why the target could not be planned. */
  readonly error?: string;
  /** Something people must know about how the target was planned (a seed not contacted before merge). */
  readonly notice?: string;
  /** Apply stages in apply order, then delete stages in reverse order. Empty when unreachable. */
  readonly stages: readonly PlanStage[];
  /**
   * Why the target's creates and updates were not (all) judged by its API server's dry-run; absent when every
   * one of them was (or there was none). Such changes are checked by kkp-gitops' own rules only.
   */
  readonly notDryRun?: string;
  /** Objects this target's plan updates that KKP reports unhealthy now (an update to an already broken cluster). */
  readonly unhealthy?: readonly UnhealthyObject[];
}

/** A live object KKP reports unhealthy, with its reasons in fixed form (`objectHealth`). */
export interface UnhealthyObject {
  readonly id: ObjectId;
  readonly reasons: readonly string[];
}

/** The changes that bring every target to the desired state. Pure data: JSON-serializable. */
export interface Plan {
  readonly type: 'plan';
  readonly repository: string;
  readonly commit?: string;
  readonly allowDeletions: boolean;
  readonly targets: readonly TargetPlan[];
  /** Documents the render could not place (only for repositories with validation errors). */
  readonly unrendered: readonly UnrenderedDocument[];
}

export interface PlanOptions {
  /**
   * Destructive deletes (Cluster, Seed, datacenter removed from a Seed) and adoptions of live objects kkp-gitops did
   * not create run; otherwise they are skipped. Default: false. (`reconcileRepository` plans with every change
   * proposed and decides per change what may run.)
   */
  readonly allowDeletions?: boolean;
  /** Drift (a managed object edited outside Git) is corrected; otherwise drift-only changes are skipped. Default: true. */
  readonly correctDrift?: boolean;
}

export const SENSITIVE_PLACEHOLDER = '(sensitive value)';
