/**
 * The one reconcile use-case, level-triggered (as controller-runtime's `Reconcile`): the desired state is a head
 * commit; it is validated, rendered and planned against the live targets with every change proposed, then
 * `decideReconcile` decides, under the governing policy and the allowances for that head, what may run. Every caller
 * (push, restart recovery, drift self-heal, pull request plan, `kkp-gitops plan`/`apply`) calls this and only
 * executes (`applyPlan`) and reports what it returns: none of them decides again.
 */
import type { TargetConnector } from '../apply/cluster-client.js';
import type { RepositoryConfig } from '../config/repository-config.js';
import type { LoadedRepository } from '../load/loaded-repository.js';
import type { PlanCache } from '../plan/plan-cache.js';
import { planRepository, type RepositoryPlan } from '../plan/plan-repository.js';
import type { Allowance } from './allowance.js';
import { decideReconcile, type ReconcileDecision } from './decide-reconcile.js';
import { governingPolicy, pathsChanged, policyChanged, type ReconcilePolicy } from './governing-policy.js';

export interface ReconcileRepositoryInput {
  /** The desired revision: the default branch's head, or a pull request's head. */
  readonly head: LoadedRepository;
  /** The revision it changes, for the validator's change rules (the pull request's base, the applied commit). */
  readonly base?: LoadedRepository;
  /**
   * The configuration whose policy governs (`governingPolicy`): the last applied commit's for the default branch,
   * the base branch's for a pull request. Absent: nothing applied yet, the built-in defaults govern.
   */
  readonly governing?: Pick<RepositoryConfig, 'policy' | 'paths' | 'exclude'>;
  /** Allowances given for plans; only those for `head.commit` count. Default: none. */
  readonly allowances?: readonly Allowance[];
  /** Repository id stamped on objects and used for pruning (see `planRepository`). */
  readonly repository?: string;
  /** Drift-only changes are corrected (default) or skipped. */
  readonly correctDrift?: boolean;
  /** How seeds are reached (see `ReadLiveStateOptions.seedAccess`): `live` for untrusted pull requests. Default: `desired`. */
  readonly seedAccess?: 'desired' | 'live';
  /** Let the targets' API servers judge every create and update (see `planRepository`). Default: true. */
  readonly serverDryRun?: boolean;
  /** What earlier plans rendered and diffed (see `planRepository`). Default: none. */
  readonly cache?: PlanCache;
  readonly connector: TargetConnector;
}

export interface RepositoryReconcile extends RepositoryPlan {
  /** The policy that governed the decision. */
  readonly policy: ReconcilePolicy;
  /** The head sets another policy than the governing one: it takes effect after this head is applied. */
  readonly policyChange?: { readonly from: ReconcilePolicy; readonly to: ReconcilePolicy };
  /** Absent when validation failed (nothing was planned). `plan` is then `decision.plan`. */
  readonly decision?: ReconcileDecision;
}

export async function reconcileRepository(input: ReconcileRepositoryInput): Promise<RepositoryReconcile> {
  const policy = governingPolicy(input.governing);
  const headPolicy = input.head.config.policy;
  const policyChange = policyChanged(policy, headPolicy) ? { policyChange: { from: policy, to: headPolicy } } : {};
  const planned = await planRepository({
    head: input.head,
    ...(input.base ? { base: input.base } : {}),
    ...(input.repository ? { repository: input.repository } : {}),
    ...(input.correctDrift !== undefined ? { correctDrift: input.correctDrift } : {}),
    ...(input.seedAccess ? { seedAccess: input.seedAccess } : {}),
    ...(input.serverDryRun !== undefined ? { serverDryRun: input.serverDryRun } : {}),
    ...(input.cache ? { cache: input.cache } : {}),
    connector: input.connector,
    allowDeletions: true,
  });
  if (!planned.plan) return { ...planned, policy, ...policyChange };
  const decision = decideReconcile({
    plan: planned.plan,
    policy,
    ...(input.allowances ? { allowances: input.allowances } : {}),
    head: input.head.commit ?? planned.plan.commit ?? '',
    configChanged: pathsChanged(input.governing, input.head.config) || policyChange.policyChange !== undefined,
  });
  return { ...planned, plan: decision.plan, decision, policy, ...policyChange };
}
