/**
 * The one decision of a reconcile, pure: given the plan of the desired head with every change proposed, the
 * governing policy and the allowances, which changes may run. A change that needs a person (`needsAllowance`, or
 * any deletion under the mass-deletion guard) runs only when an allowance for this head lists it, or, outside the
 * guard, when the governing policy allows deletions; otherwise it becomes `skip` with the reason. Every other
 * change runs as planned.
 */
import type { Change, Plan, PlanStage, TargetPlan } from '../plan/plan.js';
import { allowedKeys, type Allowance } from './allowance.js';
import { gateKeyOf, needsAllowance } from './gated-change.js';
import type { ReconcilePolicy } from './governing-policy.js';

export interface DecideReconcileInput {
  /** Planned with every change proposed (`allowDeletions: true`). */
  readonly plan: Plan;
  /**
   * The governing policy (`governingPolicy`): the last applied commit's, or the pull request base's. Its
   * `massDeletion.maxShare` sets the mass-deletion guard: deleting more than that share of the managed objects of a
   * kind (or all of them) needs an allowance for each of those deletions, whatever `allowDeletions` says.
   */
  readonly policy: ReconcilePolicy;
  readonly allowances?: readonly Allowance[];
  /** The commit the allowances must answer. Default: `plan.commit`. */
  readonly head?: string;
  /** `paths`/`exclude` or the configuration changed since the governing commit: every deletion needs an allowance. */
  readonly configChanged?: boolean;
}

/** Why a gated change may run. */
export type GateVerdict = 'allowed-by-policy' | 'allowed-by-allowance' | 'skipped';

export interface GatedChange {
  /** `gateKeyOf(change)`. */
  readonly key: string;
  /** The target the change is for (`master`, `seed-eu`). */
  readonly target: string;
  readonly verdict: GateVerdict;
  /** Held by the mass-deletion guard (or a configuration change): the policy alone does not allow it. */
  readonly guarded: boolean;
  readonly reason?: string;
}

export interface ReconcileDecision {
  /** The plan with only what may run; every other gated change is `skip` with its reason. */
  readonly plan: Plan;
  /** Every change that needed a person or the policy, in plan order. */
  readonly gated: readonly GatedChange[];
  /** Keys of the gated changes skipped: what an allowance for this head would have to list. */
  readonly skipped: readonly string[];
}

export function decideReconcile(input: DecideReconcileInput): ReconcileDecision {
  const { plan, policy } = input;
  const allowed = allowedKeys(input.allowances ?? [], input.head ?? plan.commit);
  const guardedKinds = massDeletedKinds(plan, policy.massDeletion.maxShare);
  const gated: GatedChange[] = [];
  const decide = (change: Change): Change => {
    const guarded = change.action === 'delete' && (input.configChanged === true || guardedKinds.has(change.id.kind));
    if (!guarded && !needsAllowance(change)) return change;
    const key = gateKeyOf(change);
    if (allowed.has(key)) {
      gated.push({ key, target: change.id.target, verdict: 'allowed-by-allowance', guarded });
      return change;
    }
    if (policy.allowDeletions && !guarded) {
      gated.push({ key, target: change.id.target, verdict: 'allowed-by-policy', guarded });
      return change;
    }
    const reason = reasonOf(change, guarded, input.configChanged === true, policy.massDeletion.maxShare);
    gated.push({ key, target: change.id.target, verdict: 'skipped', guarded, reason });
    const { manifest: _manifest, ...rest } = change;
    return { ...rest, action: 'skip', reason };
  };
  const targets = plan.targets.map((t): TargetPlan => ({ ...t, stages: t.stages.map((s): PlanStage => ({ ...s, changes: s.changes.map(decide) })) }));
  return {
    plan: { ...plan, allowDeletions: policy.allowDeletions, targets },
    gated,
    skipped: gated.filter((g) => g.verdict === 'skipped').map((g) => g.key),
  };
}

function reasonOf(change: Change, guarded: boolean, configChanged: boolean, maxShare: number): string {
  if (guarded) {
    return configChanged
      ? `deletes a ${change.id.kind} while the configuration (paths or kkp-gitops.yaml) changed: needs an explicit allowance`
      : `deletes ${shareText(maxShare)} of the managed ${change.id.kind} objects: needs an explicit allowance (mass-deletion guard)`;
  }
  if (change.adoption) return 'adopts a live object kkp-gitops did not create: needs an explicit allowance, like a deletion';
  if (change.action === 'update') return 'removes datacenters from the Seed: destructive, needs an explicit allowance';
  return `deleting a ${change.id.kind} is destructive: needs an explicit allowance to delete`;
}

/** `more than half (or all)`, `all`, `any`, `more than 30% (or all)`. */
function shareText(maxShare: number): string {
  if (maxShare <= 0) return 'any';
  if (maxShare >= 1) return 'all';
  if (maxShare === 0.5) return 'more than half (or all)';
  return `more than ${Math.round(maxShare * 1000) / 10}% (or all)`;
}

/**
 * Kinds the plan deletes more than `maxShare` of (or all of), counting the managed objects of each kind over every
 * target: the ones it keeps (update, unchanged, skip) and the ones it deletes. Adoptions are not managed yet.
 */
function massDeletedKinds(plan: Plan, maxShare: number): Set<string> {
  // maxShare 0: every deletion is guarded (n > 0 always holds below).
  const managed = new Map<string, number>();
  const deleted = new Map<string, number>();
  for (const target of plan.targets) {
    for (const stage of target.stages) {
      for (const change of stage.changes) {
        if (change.action === 'create' || change.adoption) continue;
        const kind = change.id.kind;
        managed.set(kind, (managed.get(kind) ?? 0) + 1);
        if (change.action === 'delete') deleted.set(kind, (deleted.get(kind) ?? 0) + 1);
      }
    }
  }
  const kinds = new Set<string>();
  for (const [kind, n] of deleted) {
    const of = managed.get(kind) ?? n;
    if (n > of * maxShare || n === of) kinds.add(kind);
  }
  return kinds;
}
