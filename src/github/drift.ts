/**
 * Drift detection: every `intervalMs`, each known repository's default branch head is planned against the live
 * master and seeds. Once that head is the applied commit (the record on the repository's Lease says so), every
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
import { escapeMarkdown } from '../core/report/escape-markdown.js';
import type { AppliedRecord } from '../coordination/applied-record.js';
import type { Coordination } from '../coordination/coordination.js';
import { DEFAULT_REPOSITORY_CONFIG } from '../core/config/repository-config.js';
import type { ApplyResult } from '../core/apply/apply-result.js';
import type { TargetClients } from '../core/apply/cluster-client.js';
import { describeError } from '../core/errors.js';
import { formatObjectId } from '../core/object-id.js';
import type { Plan } from '../core/plan/plan.js';
import { toReportView, type ReportRow } from '../core/report/report-view.js';
import type { AppDeps } from './app-deps.js';
import { fitText } from './check-run-output.js';
import type { CheckRunUpdate, GitHubRepository } from './github-repository.js';

/** A repository the app reconciles: what the drift check needs to find it. */
export interface KnownRepository {
  /** `owner/name` */
  readonly fullName: string;
  readonly installationId: number;
  readonly defaultBranch: string;
}

/** The repositories to check. */
export type KnownRepositories = () => Promise<KnownRepository[]>;

export const DRIFT_CHECK = 'kkp-gitops/drift';

/** Default interval between passes: 10 minutes. */
export const DRIFT_DEFAULTS = Object.freeze({ intervalMs: 600_000 });

export interface DriftDeps {
  readonly app: AppDeps;
  readonly known: KnownRepositories;
  /** The GitHub port of a known repository, as its installation. */
  readonly openRepository: (repository: KnownRepository) => Promise<GitHubRepository>;
  /** Runs a check so that it never overlaps this process's other jobs of the repository (the work queue). Default: at once. */
  readonly run?: <T>(repository: string, job: () => Promise<T>) => Promise<T>;
}

export interface DriftedObject {
  /** `seed-eu: Cluster/shop-staging-eu` */
  readonly object: string;
  /** `edited` in the cluster, `missing` from it (deleted by hand), `extra` in it (deleted from Git, still live), `differs` (Git changed it). */
  readonly how: 'edited' | 'missing' | 'extra' | 'differs';
  /** The fields that differ (for `edited` and `differs`). */
  readonly fields: readonly string[];
}

export interface DriftReport {
  readonly repository: string;
  /**
   * `clean`: no drift. `drifted`: drift left for a person. `healed`: drift corrected. `heal-failed`: the correcting
   * apply failed. `not-applied`: the head is not the applied commit; nothing judged. `invalid`: the head has
   * validation errors. `failed`: could not check (see `error`).
   */
  readonly status: 'clean' | 'drifted' | 'healed' | 'heal-failed' | 'not-applied' | 'invalid' | 'failed';
  readonly head?: string;
  readonly drifted: readonly DriftedObject[];
  /** Targets that could not be read. */
  readonly unreachable: readonly string[];
  readonly error?: string;
  /** The check run written (absent when nothing was written: nothing new to say). */
  readonly checkRunId?: number;
}

/** Self-heal takes back the fields a hand edit took over (server-side apply's force): restoring them is its job. */
const HEAL = Object.freeze({ force: true });

/** The rows of a plan of the applied head that are drift. Skipped changes (a destructive delete without allowance) are not. */
export function driftedObjects(plan: Plan): DriftedObject[] {
  return toReportView(plan)
    .targets.flatMap((t) => t.rows)
    .filter((r) => r.plannedAction !== 'unchanged' && (r.plannedAction !== 'skip' || r.drift))
    .map((r) => ({ object: formatObjectId(r.id), how: howDrifted(r), fields: r.diff.map((d) => d.path) }));
}

function howDrifted(r: ReportRow): DriftedObject['how'] {
  if (r.plannedAction === 'create') return 'missing';
  if (r.plannedAction === 'delete') return 'extra';
  return r.drift ? 'edited' : 'differs';
}

const HOW: Record<DriftedObject['how'], string> = { edited: 'edited in the cluster', missing: 'missing from the cluster (deleted by hand?)', extra: 'in the cluster but not in Git', differs: 'differs from Git' };

/** The check run for a report, or undefined when there is nothing to write. */
export function driftCheckRun(report: DriftReport): CheckRunUpdate | undefined {
  const sha = report.head?.slice(0, 7) ?? '';
  const code = (value: string) => escapeMarkdown(value, { as: 'code' });
  const list = report.drifted.map((d) => `- ${code(d.object)}: ${HOW[d.how]}${d.fields.length ? ` (${d.fields.slice(0, 10).map(code).join(', ')}${d.fields.length > 10 ? ', …' : ''})` : ''}`);
  const unreachable = report.unreachable.map((t) => `- ${code(t)} could not be read`);
  const n = report.drifted.length;
  const objects = `${n} object${n === 1 ? '' : 's'}`;
  const complete = (conclusion: 'success' | 'failure' | 'neutral', title: string, lead: string, lines: string[] = []): CheckRunUpdate => ({
    status: 'completed',
    conclusion,
    output: { title, summary: fitText([lead, '', ...lines].join('\n').trimEnd()) },
  });
  switch (report.status) {
    case 'clean':
      return unreachable.length
        ? complete('failure', 'Some targets could not be checked', `No drift found on the targets that could be read for \`${sha}\`.`, unreachable)
        : complete('success', 'No drift', `The live master and seeds hold what \`${sha}\` says.`);
    case 'drifted':
      return complete('failure', `${objects} drifted`, `**${objects} drifted** from \`${sha}\`. Self-heal is off (\`policy.selfHeal\`): a person decides (undo the change in the cluster, or put it in Git).`, [...list, ...unreachable]);
    case 'healed':
      return complete('success', `Drift corrected: ${objects}`, `**${objects} drifted** from \`${sha}\` and ${n === 1 ? 'was' : 'were'} restored (\`policy.selfHeal\`).`, [...list, ...unreachable]);
    case 'heal-failed':
      return complete('failure', `Drift not corrected: ${objects}`, `**${objects} drifted** from \`${sha}\`; restoring ${n === 1 ? 'it' : 'them'} failed: ${escapeMarkdown(report.error ?? 'unknown error')}`, list);
    case 'failed':
      return report.head ? complete('failure', 'Could not check for drift', `Could not check \`${sha}\` for drift: ${escapeMarkdown(report.error ?? 'unknown error')}`) : undefined;
    case 'invalid':
    case 'not-applied':
      // Nothing to say about drift: the push reconcile of that commit reports on it.
      return undefined;
  }
}

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
        app.log.info({ repository: repository.fullName, head, drifted: drifted.map((d) => d.object) }, 'kkp-gitops corrects drift');
        try {
          const result = await heal(planned.plan, planned.clients ?? new Map());
          const failed = result.targets.filter((t) => t.status !== 'applied');
          if (failed.length > 0) return await report({ status: 'heal-failed', drifted, unreachable, error: failed.map((t) => `${t.target}: ${t.error ?? t.status}`).join('; ') });
          return await report({ status: 'healed', drifted, unreachable });
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

/** What was last reported per repository, so that the same finding on the same commit is written once. */
export interface DriftMemory {
  isNew(report: DriftReport): boolean;
  remember(report: DriftReport): void;
}

export function createDriftMemory(): DriftMemory {
  const last = new Map<string, string>();
  const fingerprint = (r: DriftReport) => JSON.stringify([r.head, r.status, r.drifted, r.unreachable, r.error]);
  return {
    // A healed finding is news every time: the objects drifted again.
    isNew: (r) => r.status === 'healed' || last.get(r.repository) !== fingerprint(r),
    remember: (r) => void last.set(r.repository, fingerprint(r)),
  };
}

/** One pass over every known repository, one after the other. */
export async function checkAllDrift(deps: DriftDeps, memory: DriftMemory = createDriftMemory()): Promise<DriftReport[]> {
  const run = deps.run ?? (<T>(_repository: string, job: () => Promise<T>) => job());
  const reports: DriftReport[] = [];
  let known: KnownRepository[];
  try {
    known = await deps.known();
  } catch (error) {
    deps.app.log.error({ err: error }, 'kkp-gitops could not list the repositories to check for drift');
    return [];
  }
  for (const repository of known) reports.push(await run(repository.fullName, () => checkDrift(deps, repository, memory)));
  return reports;
}

export interface DriftDetection {
  /** Runs a pass now (after the one in progress, if any). */
  runNow(): Promise<DriftReport[]>;
  /** Stops the timer; resolves once the pass in progress (if any) has ended. */
  stop(): Promise<void>;
}

export interface DriftDetectionOptions {
  /** Time between passes; the first runs one interval after the start. 0: no timer (only `runNow`). Default: 10 min. */
  readonly intervalMs?: number;
}

/** Checks every `intervalMs` (a timer that does not keep the process alive). */
export function startDriftDetection(deps: DriftDeps, options: DriftDetectionOptions = {}): DriftDetection {
  const intervalMs = options.intervalMs ?? DRIFT_DEFAULTS.intervalMs;
  const memory = createDriftMemory();
  let current: Promise<DriftReport[]> = Promise.resolve([]);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const pass = () => {
    current = current.catch(() => []).then(() => checkAllDrift(deps, memory));
    return current;
  };
  const schedule = () => {
    if (stopped || intervalMs <= 0) return;
    timer = setTimeout(() => void pass().finally(schedule), intervalMs);
    timer.unref();
  };
  schedule();
  return {
    runNow: pass,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current.catch(() => undefined);
    },
  };
}

/** Known repositories from the applied-commit records on the master's Leases (every repository a push reconciled). */
export function knownFromRecords(coordination: Coordination | undefined): KnownRepositories {
  return async () => {
    if (!coordination) return [];
    return (await coordination.records()).flatMap(({ record }) =>
      record.installationId !== undefined ? [{ fullName: record.repository, installationId: record.installationId, defaultBranch: record.defaultBranch ?? 'main' }] : [],
    );
  };
}
