/**
 * The engine's facade for callers (CLI, GitHub App): validate → render → read live state → plan, in one call.
 * Stable API; see also `applyRepository` in `../apply/apply-repository.ts`.
 */
import type { TargetClients, TargetConnector } from '../apply/cluster-client.js';
import { hasErrors, type Diagnostic } from '../diagnostic.js';
import type { LoadedRepository } from '../load/loaded-repository.js';
import type { DesiredState } from '../render/desired-state.js';
import { renderDesiredState } from '../render/render-desired-state.js';
import { validateRepository } from '../validate/validate-repository.js';
import { computePlan } from './compute-plan.js';
import { dryRunDiagnostics } from './dry-run-diagnostics.js';
import { dryRunPlan } from './dry-run-plan.js';
import type { PlanCache } from './plan-cache.js';
import type { Plan, PlanOptions } from './plan.js';
import { readLiveState } from './read-live-state.js';
import { crdDriftDiagnostics } from '../versions/crd-drift.js';
import { MASTER_TARGET } from '../render/desired-state.js';
import { CONFIG_FILE } from '../load/load-repository.js';
import { unhealthyUpdates } from '../health/unhealthy-updates.js';
import type { LiveState } from './live-state.js';

export interface PlanRepositoryInput extends PlanOptions {
  /** The revision to plan (what the branch or the PR head holds). */
  readonly head: LoadedRepository;
  /** The revision it changes (the PR base), for the validator's change rules. Default: none. */
  readonly base?: LoadedRepository;
  /**
   * Repository id stamped on objects and used for pruning (`owner/name`). Default: `head.config.repository`, else the
   * last segment of `head.source` (the folder's name). Keep it stable: objects of another id are never pruned.
   */
  readonly repository?: string;
  /** How to reach the master and the seeds. */
  readonly connector: TargetConnector;
  /**
   * `live` for a revision that is not trusted yet (a pull request): seeds are reached only as the master's live Seeds
   * say (see `ReadLiveStateOptions.seedAccess`). Default: `desired`.
   */
  readonly seedAccess?: 'desired' | 'live';
  /**
   * Let the targets' API servers judge every create and update (server-side dry-run, see `dry-run-plan.ts`).
   * Default: true. An apply that writes right after planning may turn it off: its writes are judged anyway.
   */
  readonly serverDryRun?: boolean;
  /**
   * Compare the master's KKP CRDs with the release of `spec.kkpVersion` (see `crd-drift.ts`): a warning on the
   * configuration file when they differ. Default: as `serverDryRun` (plans check, an apply right after planning not).
   */
  readonly checkCrds?: boolean;
  /**
   * Rendered objects and planned changes of earlier plans (`createPlanCache`), so that a plan renders, hashes and
   * diffs only what changed since: a long-lived planner passes the same cache to every plan. Default: none.
   */
  readonly cache?: PlanCache;
}

export interface RepositoryPlan {
  /** Everything the loader and the validator found. */
  readonly diagnostics: readonly Diagnostic[];
  /** Absent when the diagnostics hold errors (nothing is read from the clusters then). */
  readonly plan?: Plan;
  readonly desired?: DesiredState;
  /** Clients of the targets that could be read, for `applyPlan`. */
  readonly clients?: TargetClients;
}

export async function planRepository(input: PlanRepositoryInput): Promise<RepositoryPlan> {
  // The validator's findings include the loader's.
  const diagnostics = validateRepository(input.head, input.base ? { base: input.base } : {});
  if (hasErrors(diagnostics)) return { diagnostics };
  const repository = input.repository ?? input.head.config.repository ?? lastSegment(input.head.source);
  const desired = renderDesiredState(input.head, { repository, ...(input.cache ? { cache: input.cache.render } : {}) });
  const { live, clients } = await readLiveState(desired, input.connector, input.seedAccess ? { seedAccess: input.seedAccess } : {});
  const planned = computePlan(desired, live, {
    ...(input.allowDeletions !== undefined ? { allowDeletions: input.allowDeletions } : {}),
    ...(input.correctDrift !== undefined ? { correctDrift: input.correctDrift } : {}),
    ...(input.cache ? { cache: input.cache.changes } : {}),
  });
  // The master's KKP CRDs are those of the selected release, or the plan warns (a few GETs, at the same time as the dry-run).
  const master = clients.get(MASTER_TARGET);
  const crdCheck = (input.checkCrds ?? input.serverDryRun !== false) && master ? crdDriftDiagnostics(master, { release: input.head.config.kkpVersion, configFile: CONFIG_FILE }) : Promise.resolve([]);
  if (input.serverDryRun === false) return { diagnostics: [...diagnostics, ...(await crdCheck)], plan: withHealth(planned, live), desired, clients };
  // The API servers judge every create and update (one dry-run request each; none for a no-op plan).
  const [{ plan, refusals }, crdDiagnostics] = await Promise.all([dryRunPlan(planned, live, clients), crdCheck]);
  return { diagnostics: [...diagnostics, ...crdDiagnostics, ...dryRunDiagnostics(refusals, input.head)], plan: withHealth(plan, live), desired, clients };

}

/** The plan with each target's updates to objects KKP reports unhealthy now (see `unhealthyUpdates`). */
function withHealth(plan: Plan, live: LiveState): Plan {
  const targets = plan.targets.map((t) => {
    const unhealthy = unhealthyUpdates(t, live.targets.find((l) => l.target === t.target));
    return unhealthy.length > 0 ? { ...t, unhealthy } : t;
  });
  return targets.some((t, i) => t !== plan.targets[i]) ? { ...plan, targets } : plan;
}

function lastSegment(source: string): string {
  const path = source.replace(/@[^/]*$/, '').replace(/\/+$/, '');
  return path.slice(path.lastIndexOf('/') + 1) || 'repository';
}
