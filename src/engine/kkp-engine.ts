/**
 * What the adapters need from the engine, as a narrow port: read a revision from a mirror, reconcile it against the
 * live master and seeds (`reconcileRepository`: the plan and the decision of what may run), apply a plan. It belongs
 * to neither adapter: the GitHub App and the CLI use it alike. `createKkpEngine` wires the real loader, validator, planner and Kubernetes
 * adapter; tests pass their own connector (the sandbox) or their own port.
 *
 * Loaded revisions are kept by commit SHA (a commit's content never changes), so a base shared by several pull
 * requests and pushes is read and parsed once. Loads may run concurrently (`Promise.all([load(base), load(head)])`):
 * each reads Git through its own processes, so one's Git I/O overlaps the other's parsing, and two loads of the same
 * commit share one read. Below revisions, files are kept by blob id, and the objects rendered from them and the
 * changes planned for them by the rendered object and the live object's resourceVersion (`createPlanCache`): a
 * pull request's plan re-renders and re-diffs only what its files, or the clusters, changed.
 */
import type { ApplyPlanOptions } from '../core/apply/apply-plan.js';
import { applyPlan } from '../core/apply/apply-plan.js';
import type { ApplyResult } from '../core/apply/apply-result.js';
import type { TargetClients, TargetConnector } from '../core/apply/cluster-client.js';
import { gitCommitSource } from '../core/load/git-commit-source.js';
import { loadRepository } from '../core/load/load-repository.js';
import { createParsedFileCache } from '../core/load/parsed-file-cache.js';
import { createLruMap } from '../core/lru-map.js';
import type { LoadedRepository } from '../core/load/loaded-repository.js';
import type { Plan } from '../core/plan/plan.js';
import { createPlanCache } from '../core/plan/plan-cache.js';
import { reconcileRepository, type ReconcileRepositoryInput, type RepositoryReconcile } from '../core/reconcile/reconcile-repository.js';

export interface EnginePlan extends RepositoryReconcile {
  /** Frees the cluster connections; call it once done with the plan (after applying it). */
  release(): Promise<void>;
}

export interface KkpEngine {
  /**
   * One commit of a Git repository (a bare mirror is fine), by SHA or any revision Git resolves (`refs/heads/main`).
   * The result is shared with other callers of the same commit: read it, never change it.
   */
  load(gitDir: string, commit: string, options?: EngineLoadOptions): Promise<LoadedRepository>;
  /** Validates (against `base` when given), plans against the live targets and decides what may run. */
  reconcile(input: Omit<ReconcileRepositoryInput, 'connector' | 'cache'>): Promise<EnginePlan>;
  /** Executes a plan with the clients its planning opened. */
  apply(plan: Plan, clients: TargetClients, options?: ApplyPlanOptions): Promise<ApplyResult>;
}

export interface EngineLoadOptions {
  /** Read with these limits instead of the commit's own (a pull request's head gets its base's). Default: its own. */
  readonly limits?: LoadedRepository['config']['limits'];
}

export interface KkpEngineOptions {
  /** A fresh connection to the master (and through it the seeds) per plan. */
  readonly connect: () => TargetConnector;
  /**
   * Where reconciles read live state: with a cache (the server's, `createLiveStateCache` in `src/kube/live-cache`),
   * each plan's lists are answered from its watches; without (the CLI), every plan lists. Default: none.
   */
  readonly liveCache?: { connector(inner: TargetConnector): TargetConnector };
  /**
   * How many loaded commits to keep, least recently used dropped first. A revision of 10,000 clusters holds about
   * 35 MiB (more once source positions of many of its documents were asked for, as diagnostics do). Default: 4
   * (a base and the heads planned against it); 0 keeps none.
   */
  readonly cacheSize?: number;
}

export const DEFAULT_ENGINE_CACHE_SIZE = 4;

export function createKkpEngine(options: KkpEngineOptions): KkpEngine {
  const loaded = createLruMap<Promise<LoadedRepository>>(options.cacheSize ?? DEFAULT_ENGINE_CACHE_SIZE);
  // Below whole revisions, files by blob id: a new head re-reads and re-parses only the files its commit changed.
  const parsedFiles = createParsedFileCache();
  // And above them, the objects rendered from those files and the changes planned for them: a plan renders, hashes
  // and diffs only what changed since an earlier plan (on either side).
  const planCache = createPlanCache();
  return {
    async load(gitDir, rev, loadOptions = {}) {
      // Resolving the revision (rev-parse) is cheap; reading and parsing 10,000 files is not.
      const source = await gitCommitSource(gitDir, rev);
      const key = `${gitDir}\u0000${source.commit}${loadOptions.limits ? `\u0000${JSON.stringify(loadOptions.limits)}` : ''}`;
      const cached = loaded.get(key);
      if (cached) return cached;
      const loading = loadRepository(source, { parsedFiles, ...(loadOptions.limits ? { limits: loadOptions.limits } : {}) });
      loaded.set(key, loading);
      // A failed read is not kept: the next call tries again.
      loading.catch(() => loaded.delete(key, loading));
      return loading;
    },
    async reconcile(input) {
      const connector = options.liveCache ? options.liveCache.connector(options.connect()) : options.connect();
      try {
        const planned = await reconcileRepository({ ...input, cache: planCache, connector });
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
