/**
 * Checks one repository for drift: in each pass (`startDriftDetection`), the repository's default branch head is
 * planned against the live master and seeds. Once that head is the applied commit (the record on the repository's Lease says so), every
 * difference is drift: an object edited in the cluster (`update`, flagged `drift` by the engine), deleted there
 * (`create`), or left there (`delete`). The result goes on a check run `kkp-gitops/drift` on the head commit, listing
 * the drifted objects by their identity. The plan is the one reconcile's (`engine.reconcile`), under the policy
 * that governed the apply of that commit (`appliedPolicy` in the record: the policy of the commit applied before it,
 * never the commit's own). With that policy's `selfHeal`, the drift is corrected at once by applying the plan under
 * the repository's lock (the same lock and record as a push reconcile; changes the decision skipped, such as
 * deletions no allowance or policy covers, are never run; with force, taking back the fields the hand edit took
 * over); otherwise it is left for a person.
 *
 * A head that is not the applied commit yet is left alone (its push reconcile, or restart recovery, applies it: its
 * differences are not drift). The same finding is not reported twice on one commit.
 */
import type { AppliedRecord } from '../../coordination/applied-record.js';
import type { Coordination } from '../../coordination/coordination.js';
import { DEFAULT_REPOSITORY_CONFIG } from '../../core/config/repository-config.js';
import type { ApplyResult } from '../../core/apply/apply-result.js';
import type { TargetClients } from '../../core/apply/cluster-client.js';
import { describeError } from '../../core/errors.js';
import type { Plan } from '../../core/plan/plan.js';
import type { AppDeps } from '../app-deps.js';
import type { GitHubRepository } from '../github-repository.js';
import { DRIFT_CHECK, driftCheckRun } from './drift-check-run.js';
import { createDriftMemory, type DriftMemory } from './drift-memory.js';
import type { DriftReport } from './drift-report.js';
import { driftedObjects } from './drifted-objects.js';
import type { KnownRepositories, KnownRepository } from './known-repository.js';

export interface DriftDeps {
  readonly app: AppDeps;
  readonly known: KnownRepositories;
  /** The GitHub port of a known repository, as its installation. */
  readonly openRepository: (repository: KnownRepository) => Promise<GitHubRepository>;
  /** Runs a check so that it never overlaps this process's other jobs of the repository (the work queue). Default: at once. */
  readonly run?: <T>(repository: string, job: () => Promise<T>) => Promise<T>;
}

/** Self-heal takes back the fields a hand edit took over (server-side apply's force): restoring them is its job. */
const HEAL = Object.freeze({ force: true });

/** Checks one repository (see the file comment). Never throws: a failure is a report with `status: 'failed'`. */
export async function checkDrift(deps: DriftDeps, repository: KnownRepository, memory: DriftMemory = createDriftMemory()): Promise<DriftReport> {
  const { app } = deps;
  let head: string | undefined;
  let github: GitHubRepository | undefined;
  let selfHeal = false;
  const report = async (partial: Omit<DriftReport, 'repository' | 'head' | 'drifted' | 'unreachable'> & Partial<Pick<DriftReport, 'drifted' | 'unreachable'>>): Promise<DriftReport> => {
    const full: DriftReport = { repository: repository.fullName, ...(head ? { head } : {}), drifted: [], unreachable: [], ...partial };
    const update = driftCheckRun(full);
    if (!github || !head || !update || !memory.isNew(full)) return full;
    const checkRunId = await github.createCheckRun(head, DRIFT_CHECK, update);
    memory.remember(full);
    return { ...full, checkRunId };
  };
  try {
    github = await deps.openRepository(repository);
    const gitHub = github;
    const branchRef = `refs/heads/${repository.defaultBranch}`;
    const gitDir = await app.mirrors.fetch({ fullName: repository.fullName, cloneUrl: gitHub.cloneUrl, token: await gitHub.token(), refs: [branchRef] });
    const loaded = await app.engine.load(gitDir, branchRef);
    head = loaded.commit;
    const judge = async (record: AppliedRecord | undefined, heal: (plan: Plan, clients: TargetClients) => Promise<ApplyResult>): Promise<DriftReport> => {
      if (app.coordination && record?.appliedCommit !== head) return report({ status: 'not-applied' });
      // The policy that governed the apply of this commit, never its own (without a record: the defaults).
      const policy = record?.appliedPolicy ?? DEFAULT_REPOSITORY_CONFIG.policy;
      selfHeal = policy.selfHeal;
      const planned = await app.engine.reconcile({ head: loaded, governing: { ...loaded.config, policy }, repository: repository.fullName, correctDrift: true });
      try {
        if (!planned.plan) return await report({ status: 'invalid' });
        const drifted = driftedObjects(planned.plan);
        const unreachable = planned.plan.targets.filter((t) => t.status === 'unreachable').map((t) => t.error ? `${t.target} (${t.error})` : t.target);
        if (drifted.length === 0) return await report({ status: 'clean', unreachable });
        if (!selfHeal) return await report({ status: 'drifted', drifted, unreachable });
        const skipped = planned.decision?.skipped ?? [];
        app.log.info({ repository: repository.fullName, head, drifted: drifted.map((d) => d.object) }, 'kkp-gitops corrects drift');
        try {
          const result = await heal(planned.plan, planned.clients ?? new Map());
          const failed = result.targets.filter((t) => t.status !== 'applied');
          if (failed.length > 0) return await report({ status: 'heal-failed', drifted, unreachable, error: failed.map((t) => `${t.target}: ${t.error ?? t.status}`).join('; ') });
          return await report({ status: 'healed', drifted, unreachable, ...(skipped.length ? { skipped } : {}) });
        } catch (error) {
          return await report({ status: 'heal-failed', drifted, unreachable, error: describeError(error) });
        }
      } finally {
        await planned.release();
      }
    };
    const coordination: Coordination | undefined = app.coordination;
    if (!coordination) return await judge(undefined, (plan, clients) => app.engine.apply(plan, clients, HEAL));
    return await coordination.withLock(repository.fullName, (lock) =>
      judge(lock.record, (plan, clients) => {
        lock.assertHeld();
        return app.engine.apply(plan, clients, HEAL);
      }),
    );
  } catch (error) {
    app.log.error({ err: error, repository: repository.fullName }, 'kkp-gitops drift check failed');
    return report({ status: 'failed', error: describeError(error) }).catch(() => ({ repository: repository.fullName, status: 'failed' as const, drifted: [], unreachable: [], error: describeError(error) }));
  }
}
