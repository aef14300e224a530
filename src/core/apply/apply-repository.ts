/**
 * The engine's facade for applying a revision: reconcile it (see `reconcileRepository`: the plan and the decision
 * of what may run), then execute what the decision lets run. Stable API for the CLI.
 */
import { reconcileRepository, type ReconcileRepositoryInput, type RepositoryReconcile } from '../reconcile/reconcile-repository.js';
import { applyPlan, type ApplyPlanOptions } from './apply-plan.js';
import type { ApplyResult } from './apply-result.js';

export interface ApplyRepositoryInput extends ReconcileRepositoryInput, ApplyPlanOptions {}

export interface RepositoryApply extends RepositoryReconcile {
  /** Absent when validation failed (nothing was written). */
  readonly result?: ApplyResult;
}

export async function applyRepository(input: ApplyRepositoryInput): Promise<RepositoryApply> {
  // The writes that follow are judged by the API servers themselves: no dry-run first, unless asked for.
  const planned = await reconcileRepository({ ...input, serverDryRun: input.serverDryRun ?? false });
  if (!planned.plan) return planned;
  const result = await applyPlan(planned.plan, planned.clients ?? new Map(), input);
  return { ...planned, result };
}
