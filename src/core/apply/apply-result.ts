import type { Action } from '../action.js';
import type { ObjectId } from '../object-id.js';
import type { UnrenderedDocument } from '../render/desired-state.js';
import type { ApiErrorCause } from './api-request-error.js';
import type { FieldChange, StagePhase } from '../plan/plan.js';
import type { TargetHealth } from './wait-for-health.js';

/** Why one object's change failed. */
export interface ObjectError {
  readonly message: string;
  /** HTTP status code of the API's answer, when it answered. */
  readonly code?: number;
  /** The API Status reason (`Conflict`, `Invalid`, `Forbidden`), `Unreachable`, or `PlanError`. */
  readonly reason?: string;
  readonly causes?: readonly ApiErrorCause[];
  /** For server-side apply conflicts: the field managers that own the conflicting fields. */
  readonly conflictManagers?: readonly string[];
}

/** What happened to one planned change. */
export interface ChangeResult {
  readonly id: ObjectId;
  /** What was done: the planned action when it ran (or was attempted), `skip` when it did not run. */
  readonly action: Action;
  /** The action the plan asked for. */
  readonly plannedAction: Action;
  readonly source?: string;
  readonly diff: readonly FieldChange[];
  readonly destructive: boolean;
  readonly drift: boolean;
  /** Why it did not run (planned skip, or an earlier stage of the target failed). */
  readonly reason?: string;
  /** Set when the change was attempted (or refused by the plan) and failed. */
  readonly error?: ObjectError;
}

export interface ResultStage {
  readonly phase: StagePhase;
  readonly order: number;
  readonly kinds: readonly string[];
  readonly changes: readonly ChangeResult[];
}

/** `applied`: every stage ran without an error; `failed`: some change failed (later stages did not run). */
export type TargetResultStatus = 'applied' | 'failed' | 'unreachable';

export interface TargetResult {
  readonly target: string;
  readonly status: TargetResultStatus;
  readonly error?: string;
  readonly stages: readonly ResultStage[];
}

/** The outcome of applying a plan, in the plan's vocabulary and identities. JSON-serializable. */
export interface ApplyResult {
  readonly type: 'apply';
  readonly repository: string;
  readonly commit?: string;
  readonly dryRun: boolean;
  readonly targets: readonly TargetResult[];
  readonly unrendered: readonly UnrenderedDocument[];
  /** Set when the plan was rolled out (`rolloutPlan`: waves, the health wait): how each wave and target ended. */
  readonly rollout?: RolloutReport;
}

export type WaveStatus = 'healthy' | 'unhealthy' | 'not-run';

export interface WaveOutcome {
  /** 1-based; wave 1 is the master. */
  readonly number: number;
  readonly targets: readonly string[];
  readonly status: WaveStatus;
}

/** Why a rollout stopped before its last wave. */
export interface RolloutStop {
  /** The wave that did not finish (unhealthy) or did not start (its change window is closed). */
  readonly wave: number;
  readonly why: 'unhealthy' | 'window';
  /** Fixed text: `seed-eu is not healthy`, `outside its change window`. */
  readonly reason: string;
  /** For `window`: when the window opens (RFC 3339). */
  readonly opensAt?: string;
  /** The targets of the waves not run, untouched. */
  readonly untouched: readonly string[];
}

export interface RolloutReport {
  /** Whether the apply waited for health. */
  readonly waited: boolean;
  readonly waves: readonly WaveOutcome[];
  /** Per target that was waited for. */
  readonly health: readonly TargetHealth[];
  readonly stopped?: RolloutStop;
}

/** Reported after every write (or failed write) during an apply. */
export interface ApplyProgress {
  readonly target: string;
  readonly id: ObjectId;
  readonly action: Action;
  /** Writes finished so far (all targets) and the total the plan asks for. */
  readonly done: number;
  readonly total: number;
  readonly error?: ObjectError;
}
