/**
 * What the GitHub App needs from the engine, as a narrow port: read a revision from a mirror, plan it against the
 * live master and seeds, apply a plan. `createKkpEngine` wires the real loader, validator, planner and Kubernetes
 * adapter; tests pass their own connector (the sandbox) or their own port.
 */
import type { ApplyPlanOptions } from '../core/apply/apply-plan.js';
import { applyPlan } from '../core/apply/apply-plan.js';
import type { ApplyResult } from '../core/apply/apply-result.js';
import type { TargetClients, TargetConnector } from '../core/apply/cluster-client.js';
import { gitCommitSource } from '../core/load/git-commit-source.js';
import { loadRepository } from '../core/load/load-repository.js';
import type { LoadedRepository } from '../core/load/loaded-repository.js';
import type { Plan } from '../core/plan/plan.js';
import { planRepository, type PlanRepositoryInput, type RepositoryPlan } from '../core/plan/plan-repository.js';

export interface EnginePlan extends RepositoryPlan {
  /** Frees the cluster connections; call it once done with the plan (after applying it). */
  release(): Promise<void>;
}

export interface KkpEngine {
  /** One commit of a Git repository (a bare mirror is fine). */
  load(gitDir: string, commit: string): Promise<LoadedRepository>;
  /** Validates (against `base` when given) and plans against the live targets. */
  plan(input: Omit<PlanRepositoryInput, 'connector'>): Promise<EnginePlan>;
  /** Executes a plan with the clients its planning opened. */
  apply(plan: Plan, clients: TargetClients, options?: ApplyPlanOptions): Promise<ApplyResult>;
}

export interface KkpEngineOptions {
  /** A fresh connection to the master (and through it the seeds) per plan. */
  readonly connect: () => TargetConnector;
}

export function createKkpEngine(options: KkpEngineOptions): KkpEngine {
  return {
    async load(gitDir, commit) {
      return loadRepository(await gitCommitSource(gitDir, commit));
    },
    async plan(input) {
      const connector = options.connect();
      try {
        const planned = await planRepository({ ...input, connector });
        return { ...planned, release: async () => void (await connector.close?.()) };
      } catch (error) {
        await connector.close?.();
        throw error;
      }
    },
    apply(plan, clients, applyOptions = {}) {
      return applyPlan(plan, clients, applyOptions);
    },
  };
}
