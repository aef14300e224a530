/**
 * The engine's facade for applying a revision: reconcile it (see `reconcileRepository`: the plan and the decision
 * of what may run), then execute what the decision lets run. Stable API for the CLI.
 */
import { reconcileRepository, type ReconcileRepositoryInput, type RepositoryReconcile } from '../reconcile/reconcile-repository.js';
import { applyPlan, type ApplyPlanOptions } from './apply-plan.js';
import type { ApplyResult } from './apply-result.js';
import { rolloutPlan, type RolloutPlanOptions } from './rollout-plan.js';

export interface ApplyRepositoryInput extends ReconcileRepositoryInput, ApplyPlanOptions, Partial<Omit<RolloutPlanOptions, 'rollout' | 'clock'>> {
  /** The one clock, for the health wait and change windows (`rolloutPlan`). Needed when `wait` is set or the head has waves. */
  readonly clock?: RolloutPlanOptions['clock'];
}

export interface RepositoryApply extends RepositoryReconcile {
  /** Absent when validation failed (nothing was written). */
  readonly result?: ApplyResult;
}

export async function applyRepository(input: ApplyRepositoryInput): Promise<RepositoryApply> {
  // The writes that follow are judged by the API servers themselves: no dry-run first, unless asked for.
  const planned = await reconcileRepository({ ...input, serverDryRun: input.serverDryRun ?? false });
  if (!planned.plan) return planned;
  // The head's `spec.rollout` orders the targets in waves; the wait for health only when asked for (`--wait`).
  const rollout = input.head.config.rollout;
  const wait = input.wait ?? false;
  const clients = planned.clients ?? new Map();
  if (!wait && rollout.waves.length === 0) return { ...planned, result: await applyPlan(planned.plan, clients, input) };
  if (!input.clock) throw new TypeError('applyRepository: a rollout in waves or with the health wait needs `clock`');
  const result = await rolloutPlan(planned.plan, clients, { ...input, rollout, wait, clock: input.clock });
  return { ...planned, result };
}
