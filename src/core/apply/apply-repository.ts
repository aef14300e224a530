/**
 * The engine's facade for applying a revision: plan it (see `planRepository`), then execute the plan.
 * Stable API for the CLI and the GitHub App (apply on merge).
 */
import { planRepository, type PlanRepositoryInput, type RepositoryPlan } from '../plan/plan-repository.js';
import { applyPlan, type ApplyPlanOptions } from './apply-plan.js';
import type { ApplyResult } from './apply-result.js';

export interface ApplyRepositoryInput extends PlanRepositoryInput, ApplyPlanOptions {}

export interface RepositoryApply extends RepositoryPlan {
  /** Absent when validation failed (nothing was written). */
  readonly result?: ApplyResult;
}

export async function applyRepository(input: ApplyRepositoryInput): Promise<RepositoryApply> {
  // The writes that follow are judged by the API servers themselves: no dry-run first, unless asked for.
  const planned = await planRepository({ ...input, serverDryRun: input.serverDryRun ?? false });
  if (!planned.plan) return planned;
  const result = await applyPlan(planned.plan, planned.clients ?? new Map(), input);
  return { ...planned, result };
}
