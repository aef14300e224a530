/**
 * A push to the default branch (a merge, a direct push, a force push back to an older commit): the default branch's
 * head is the desired state, and it goes through the one reconcile (`engine.reconcile`) with the policy of the last
 * applied commit governing and the allowances of the merged pull request's plan; this file only executes the plan it
 * returns and reports it (`apply-reporting.ts`): one GitHub deployment per target, a comment on the merged pull
 * request, a commit status on the pushed commit.
 *
 * Exactly once and in order, across processes: the reconcile holds the repository's Lease lock
 * (`deps.coordination`) and reads the applied-commit record on it. A commit that is the applied commit is skipped
 * silently (a redelivery, or the other replica already did it). A commit that is no longer the branch's head and is
 * an ancestor of the applied commit (or of a newer commit whose apply did not finish) is a stale delivery, skipped
 * as superseded with a commit status saying so; the head itself is always reconciled, even when it is older than
 * the applied commit (a rollback). Otherwise the record gets `applying-commit` and the deployment ids before the
 * first cluster write, and `applied-commit` after the last. Deployments a dead holder left in progress get a final
 * `error` status first. Failing to take the lock or to write the record is on the commit status at once; restart
 * recovery reconciles the head later.
 */
import type { AppliedRecord } from '../coordination/applied-record.js';
import { isAncestor } from '../coordination/commit-order.js';
import { LockTimeoutError } from '../coordination/lock-errors.js';
import type { RepositoryLock } from '../coordination/repository-lock.js';
import type { ApplyResult } from '../core/apply/apply-result.js';
import type { RepositoryConfig } from '../core/config/repository-config.js';
import { describeError } from '../core/errors.js';
import type { Plan } from '../core/plan/plan.js';
import { stringAt } from '../core/model/plain-data.js';
import type { LoadedRepository } from '../core/load/loaded-repository.js';
import { toReportView } from '../core/report/report-view.js';
import type { AppDeps } from './app-deps.js';
import { APPLY_STATUS_CONTEXT, applyReportMarkdown, commentOnMerged, describeStatus, environmentOf, hasFinalApplyStatus, overallStatus, skippedNote, targetDescription, targetSucceeded } from './apply-reporting.js';
import { allowancesFor } from './deletion-allowance.js';
import type { DeploymentLinks, GitHubRepository, PullRequestInfo } from './github-repository.js';
import { formatDiagnosticLine } from './plan-comment.js';
import { rolloutCommitStatus, rolloutDeploymentStatus, rolloutMarkdown } from './rollout-reporting.js';
import { planWaves, type RolloutWavePlan } from '../core/rollout/plan-waves.js';
import { systemClock } from '../coordination/clock.js';

export { APPLY_STATUS_CONTEXT, environmentOf } from './apply-reporting.js';

/** How a merged commit is applied: conflicts with other field managers are resolved in Git's favour. */
const MERGED_COMMIT_WINS = Object.freeze({ force: true });

export interface PushEvent {
  /** The default branch. */
  readonly branch: string;
  readonly before: string;
  readonly after: string;
  /** The GitHub App installation that delivered it; kept in the record for restart recovery. */
  readonly installationId?: number;
  /** `/kkp resume`: retry the halted rollout of this commit (otherwise a halted rollout waits for a new commit). */
  readonly resume?: boolean;
}

export interface DeployOutcome {
  readonly ok: boolean;
  readonly result?: ApplyResult;
  readonly mergedPullRequest?: number;
  readonly allowDeletions: boolean;
  /**
   * Not applied: `already-applied` (the record names this commit), `superseded` (a newer commit is recorded) or
   * `halted` (its rollout stopped at an unhealthy wave: it waits for `/kkp resume` or a new commit).
   */
  readonly skipped?: 'already-applied' | 'superseded' | 'halted';
  /** The newer commit that superseded this one. */
  readonly supersededBy?: string;
  /** Deployments left in progress by an interrupted reconcile that got their final status here. */
  readonly finalizedDeployments?: readonly number[];
  /** Gated changes (`gateKeyOf`) not run: no allowance listed them and the governing policy forbids them. */
  readonly skippedChanges?: readonly string[];
}

const ZERO_SHA = /^0+$/;
/** Deployment states that are not final: an interrupted reconcile leaves these behind. */
const OPEN_DEPLOYMENT_STATES = new Set(['in_progress', 'queued', 'pending']);

/**
 * Reconciles a pushed commit of the default branch: under the repository's lock when `deps.coordination` is set
 * (always, in the app), else directly (single process, no record).
 */
export async function deployPush(deps: AppDeps, github: GitHubRepository, push: PushEvent): Promise<DeployOutcome> {
  const coordination = deps.coordination;
  if (!coordination) return applyPush(deps, github, push, undefined);
  let reported = false;
  try {
    // A Lease created here names the repository from the start: recovery finds it even if no record write succeeds.
    return await coordination.withLock(
      github.fullName,
      async (lock) => {
        const outcome = await reconcileUnderLock(deps, github, push, lock);
        reported = true;
        return outcome;
      },
      { record: baseRecord(undefined, github, push) },
    );
  } catch (error) {
    // Said where people look, at once: the lock could not be taken (held past the wait, or the Lease API failing),
    // or the record could not be written. Restart recovery applies the branch's head once that works again.
    if (!reported && !(await hasFinalApplyStatus(github, push.after).catch(() => false))) {
      const why = error instanceof LockTimeoutError ? `the repository lock is held by ${error.holder ?? 'another process'}` : `the repository lock or record failed: ${describeError(error)}`;
      await github.setCommitStatus(push.after, APPLY_STATUS_CONTEXT, 'error', describeStatus(`Not applied yet, recovery will apply the branch head: ${why}`)).catch((statusError: unknown) => deps.log.error({ err: statusError, commit: push.after }, 'could not report the failed reconcile'));
    }
    throw error;
  }
}

async function reconcileUnderLock(deps: AppDeps, github: GitHubRepository, push: PushEvent, lock: RepositoryLock): Promise<DeployOutcome> {
  // The first reconcile of a repository names it on its Lease at once, so that recovery finds it even when this
  // process dies before it records anything else.
  if (!lock.record) await lock.updateRecord((current) => baseRecord(current, github, push));
  const gitDir = await fetchBranch(deps, github, push);
  const record = lock.record;
  const finalized = await finalizeInterrupted(github, lock, record, push.after);
  const decision = await decide(gitDir, record, push, await github.branchHead(push.branch));
  if (decision.skip) {
    if (finalized.length > 0 || record?.applyingCommit) {
      // The interrupted commit was not fully applied: recovery retries it (or the branch's head).
      await lock.updateRecord((current) => ({ ...baseRecord(current, github, push), ...(record?.applyingCommit ? { attemptedCommit: record.applyingCommit, attemptOutcome: 'failed' as const } : {}) }));
    }
    // A commit that already has its outcome (another replica applied it before the newer one) keeps it.
    if (decision.skip === 'superseded' && !(await hasFinalApplyStatus(github, push.after))) {
      await github.setCommitStatus(push.after, APPLY_STATUS_CONTEXT, 'success', describeStatus(`Superseded by ${decision.by.slice(0, 7)}: not applied (a newer commit is applied)`));
    }
    deps.log.info({ repository: github.fullName, commit: push.after, skipped: decision.skip, by: decision.by }, decision.skip === 'superseded' ? `superseded by ${decision.by}` : decision.skip === 'halted' ? 'rollout halted: waits for /kkp resume or a new commit' : 'already applied');
    return { ok: true, allowDeletions: false, skipped: decision.skip, supersededBy: decision.by, ...(finalized.length ? { finalizedDeployments: finalized } : {}) };
  }
  const outcome = await applyPush(deps, github, push, { lock, gitDir });
  return finalized.length ? { ...outcome, finalizedDeployments: finalized } : outcome;
}

type Decision = { skip: false } | { skip: 'already-applied' | 'superseded' | 'halted'; by: string };

/**
 * Whether `commit` must be applied, given the branch's head and what the record says is applied or was last (partly)
 * applied. The head is desired whatever its ancestry (a rollback); the ancestry only tells stale deliveries apart.
 */
async function decide(gitDir: string, record: AppliedRecord | undefined, push: PushEvent, head: string): Promise<Decision> {
  const commit = push.after;
  const applied = record?.appliedCommit;
  if (applied === commit) return { skip: 'already-applied', by: applied };
  if (commit === head && record?.rollout?.commit === commit && record.rollout.state === 'halted' && !record.applyingCommit && !push.resume) return { skip: 'halted', by: commit };
  if (commit === head) return record?.attemptedCommit === commit && record.attemptOutcome === 'invalid' && !record.applyingCommit ? { skip: 'already-applied', by: commit } : { skip: false };
  if (applied && (await isAncestor(gitDir, commit, applied))) return { skip: 'superseded', by: applied };
  // A newer commit whose apply failed or was interrupted has partly reached the clusters: never go back behind it.
  const partial = record?.applyingCommit ?? record?.attemptedCommit;
  if (partial && partial !== commit && (await isAncestor(gitDir, commit, partial))) return { skip: 'superseded', by: partial };
  if (partial === commit && record?.attemptOutcome === 'invalid' && !record.applyingCommit) return { skip: 'already-applied', by: commit };
  return { skip: false };
}

/**
 * Gives the deployments a dead holder left open a final `error` status: the ids its record names, and any `kkp/*`
 * deployment of its commit still open (it may have died between creating one and recording it).
 */
async function finalizeInterrupted(github: GitHubRepository, lock: RepositoryLock, record: AppliedRecord | undefined, next: string): Promise<number[]> {
  const interrupted = record?.applyingCommit;
  if (!interrupted) return [];
  const listed = (await github.deploymentsOf(interrupted)).filter((d) => d.environment.startsWith('kkp/'));
  const environments = new Map(listed.map((d) => [d.id, d.environment]));
  const ids = [...new Set([...record.deployments, ...listed.map((d) => d.id)])];
  const by = record.applyingHolder ? ` (${record.applyingHolder})` : '';
  const finalized: number[] = [];
  for (const id of ids) {
    const state = await github.deploymentState(id);
    if (state !== undefined && !OPEN_DEPLOYMENT_STATES.has(state)) continue;
    const description = next === interrupted ? `Interrupted${by}; re-applied by ${lock.holderIdentity}` : `Interrupted${by}; superseded by ${next.slice(0, 7)} (${lock.holderIdentity})`;
    await github.setDeploymentStatus(id, environments.get(id) ?? 'kkp/unknown', 'error', describeStatus(description), deploymentLinks(github, undefined, interrupted));
    finalized.push(id);
  }
  if (next !== interrupted) await github.setCommitStatus(interrupted, APPLY_STATUS_CONTEXT, 'error', describeStatus(`Interrupted${by}; superseded by ${next.slice(0, 7)}`));
  return finalized;
}

/** The record's identity fields, with nothing in progress. */
function baseRecord(current: AppliedRecord | undefined, github: GitHubRepository, push: PushEvent): AppliedRecord {
  const installationId = push.installationId ?? current?.installationId;
  return {
    repository: github.fullName,
    ...(installationId !== undefined ? { installationId } : {}),
    defaultBranch: push.branch,
    ...(current?.appliedCommit ? { appliedCommit: current.appliedCommit } : {}),
    ...(current?.appliedAt ? { appliedAt: current.appliedAt } : {}),
    ...(current?.appliedPolicy ? { appliedPolicy: current.appliedPolicy } : {}),
    ...(current?.attemptedCommit ? { attemptedCommit: current.attemptedCommit } : {}),
    ...(current?.attemptOutcome ? { attemptOutcome: current.attemptOutcome } : {}),
    ...(current?.rollout ? { rollout: current.rollout } : {}),
    deployments: [],
  };
}

function fetchBranch(deps: AppDeps, github: GitHubRepository, push: PushEvent): Promise<string> {
  return github.token().then((token) => deps.mirrors.fetch({ fullName: github.fullName, cloneUrl: github.cloneUrl, token, refs: [`refs/heads/${push.branch}`], commits: [push.after] }));
}

interface Held {
  readonly lock: RepositoryLock;
  readonly gitDir: string;
}

async function applyPush(deps: AppDeps, github: GitHubRepository, push: PushEvent, held: Held | undefined): Promise<DeployOutcome> {
  const gitDir = held?.gitDir ?? (await fetchBranch(deps, github, push));
  const lock = held?.lock;
  // What the record said before this run: a re-run of the same commit (a restart, recovery, `/kkp resume`) checks the
  // health of every object of the targets not yet settled, not only of those it changes now.
  const previous = lock?.record;
  /** Writes the record (when holding a lock): its identity fields, nothing in progress, then `change`. */
  const record = (change: (base: AppliedRecord) => AppliedRecord) => lock?.updateRecord((current) => change(baseRecord(current, github, push)));
  const head = await deps.engine.load(gitDir, push.after);
  // The policy of the last applied commit governs (the defaults when none was applied): never the head's own.
  const governing = await governingConfig(deps, gitDir, lock ? lock.record?.appliedCommit : push.before);
  const merged = await mergedPullRequest(github, push.after);
  // Allowances answer the plan of the merged pull request's final head; each lists the exact changes it covers.
  const allowances = merged ? (await allowancesFor(github, merged.number, merged.headSha, await deps.appLogin())).map((a) => ({ ...a, head: push.after })) : [];
  const planned = await deps.engine.reconcile({ head, governing, allowances, repository: github.fullName });
  const allowDeletions = planned.policy.allowDeletions || allowances.length > 0;
  try {
    if (!planned.plan) {
      const errors = planned.diagnostics.filter((d) => d.severity === 'error');
      await github.setCommitStatus(push.after, APPLY_STATUS_CONTEXT, 'failure', `Not applied: ${errors.length} validation error(s)`);
      if (merged) await commentOnMerged(github, merged, await deps.appLogin(), push.after, [`Nothing was applied: \`${push.after.slice(0, 7)}\` has validation errors.`, '', ...errors.slice(0, 50).map(formatDiagnosticLine)].join('\n'));
      await record((base) => ({ ...base, attemptedCommit: push.after, attemptOutcome: 'invalid' }));
      return { ok: false, allowDeletions, ...(merged ? { mergedPullRequest: merged.number } : {}) };
    }
    // Targets that already hold this commit with a final successful deployment (an earlier run of this reconcile
    // that was cut short after them) and have nothing to run get no new deployment.
    const settled = await settledTargets(github, push.after, planned.plan);
    const toDeploy = planned.plan.targets.filter((t) => !settled.has(t.target));
    const quiet = toDeploy.length === 0 && (await lastApplyState(github, push.after)) === 'success';
    if (!quiet) await github.setCommitStatus(push.after, APPLY_STATUS_CONTEXT, 'pending', 'Applying to the KKP master and seeds');
    // Recorded before the first write anywhere: a crash from here on leaves `applying-commit` for recovery.
    const applyingHolder = lock?.holderIdentity;
    await record((base) => ({ ...base, applyingCommit: push.after, ...(applyingHolder ? { applyingHolder } : {}) }));
    const deployments = new Map<string, number>();
    const dashboard = dashboardUrl(head);
    const linksOf = (target: string): DeploymentLinks => ({ ...deploymentLinks(github, merged, push.after), ...(target === 'master' && dashboard ? { environmentUrl: dashboard } : {}) });
    // The rollout (`spec.rollout` of the head): waves, and the health wait unless the server switched it off.
    const rollout = head.config.rollout;
    const wait = (deps.healthWait ?? false) && rollout.wait;
    const staged = wait || rollout.waves.length > 0;
    const waves = staged ? planWaves(planned.plan.targets.map((t) => t.target), rollout) : [];
    const waveOf = new Map(waves.flatMap((w) => w.targets.map((t) => [t, w.number] as const)));
    // A rollout of this commit that waited for a change window left its later deployments queued: this run replaces them.
    if (previous?.rollout?.commit === push.after && previous.rollout.state === 'waiting') await closeQueued(github, push.after, (t) => linksOf(t));
    for (const target of toDeploy) {
      const environment = environmentOf(target.target);
      const id = await github.createDeployment(push.after, environment, `kkp-gitops apply of ${push.after.slice(0, 7)}`);
      deployments.set(target.target, id);
      const wave = waveOf.get(target.target) ?? 1;
      if (wave > 1) await github.setDeploymentStatus(id, environment, 'queued', describeStatus(`Queued: wave ${wave} of ${waves.length}`), linksOf(target.target));
      else await github.setDeploymentStatus(id, environment, 'in_progress', 'Applying', linksOf(target.target));
    }
    await record((base) => ({ ...base, applyingCommit: push.after, ...(applyingHolder ? { applyingHolder } : {}), deployments: [...deployments.values()] }));
    let result: ApplyResult;
    try {
      lock?.assertHeld();
      // The merged commit is the truth: fields a hand edit took over are taken back (server-side apply with force),
      // as Argo CD and Flux reconcile. The pull request's plan showed them as drift before the merge.
      const rerun = previous?.applyingCommit === push.after || previous?.attemptedCommit === push.after || previous?.rollout?.commit === push.after;
      const onWaveStart = async (wave: RolloutWavePlan) => {
        if (wave.number === 1) return;
        for (const t of wave.targets) {
          const id = deployments.get(t);
          if (id !== undefined) await github.setDeploymentStatus(id, environmentOf(t), 'in_progress', describeStatus(`Applying: wave ${wave.number} of ${waves.length}`), linksOf(t));
        }
      };
      const rolloutOptions = { rollout, wait, clock: deps.coordination?.clock ?? systemClock, onWaveStart, ...(rerun ? { recheck: new Set(toDeploy.map((t) => t.target)) } : {}) };
      result = await deps.engine.apply(planned.plan, planned.clients ?? new Map(), staged ? { ...MERGED_COMMIT_WINS, ...rolloutOptions } : MERGED_COMMIT_WINS);
    } catch (error) {
      for (const [target, id] of deployments) await github.setDeploymentStatus(id, environmentOf(target), 'error', describeStatus(`apply failed: ${describeError(error)}`), linksOf(target));
      await github.setCommitStatus(push.after, APPLY_STATUS_CONTEXT, 'error', describeStatus(`Apply failed: ${describeError(error)}`));
      if (lock?.held) await record((base) => ({ ...base, attemptedCommit: push.after, attemptOutcome: 'failed' }));
      throw error;
    }
    const view = toReportView(result);
    const skipped = (planned.decision?.gated ?? []).filter((g) => g.verdict === 'skipped');
    const report = result.rollout;
    for (const target of view.targets) {
      const id = deployments.get(target.target);
      if (id === undefined) continue;
      const applyStatus = { ok: targetSucceeded(target), description: describeStatus(targetDescription(target, skipped)) };
      const told = report ? rolloutDeploymentStatus(target.target, report, applyStatus) : undefined;
      await github.setDeploymentStatus(id, environmentOf(target.target), told?.state ?? (applyStatus.ok ? 'success' : 'failure'), told?.description ?? applyStatus.description, linksOf(target.target));
    }
    // Applied: every target took every change that may run, and KKP reports it healthy where the rollout waited.
    // Skipped changes are reported, not retried: they wait for an allowance or a policy (drift self-heal obeys the
    // same decision). A rollout that stopped is recorded where it stood (`rollout` on the record).
    const rolledOut = !report || (!report.stopped && report.health.every((h) => h.state === 'healthy'));
    const applied = result.targets.every((t) => t.status === 'applied') && rolledOut;
    const overall = { ...overallStatus(view, result, skipped), ...(report ? rolloutCommitStatus(report) : undefined) };
    if (!quiet) await github.setCommitStatus(push.after, APPLY_STATUS_CONTEXT, overall.state, overall.description);
    if (merged) await commentOnMerged(github, merged, await deps.appLogin(), push.after, `${applyReportMarkdown(result)}${report ? rolloutMarkdown(report) : ''}${skippedNote(skipped, merged)}`);
    // Last, so that a crash before it (comment or status not written yet) re-runs the whole reconcile; the re-run
    // edits the same comment and finds the deployments final.
    const appliedAt = deps.coordination ? new Date(deps.coordination.clock.now()).toISOString() : undefined;
    const appliedPolicy = planned.policy;
    const stopped = report?.stopped;
    const rolloutState = stopped ? { rollout: { commit: push.after, wave: stopped.wave, state: stopped.why === 'window' ? ('waiting' as const) : ('halted' as const), ...(stopped.opensAt ? { until: stopped.opensAt } : {}) } } : {};
    await record(({ attemptedCommit: _commit, attemptOutcome: _outcome, appliedAt: previousAt, appliedPolicy: previousPolicy, rollout: _rollout, ...base }) =>
      applied
        ? { ...base, appliedCommit: push.after, appliedPolicy, ...(appliedAt ? { appliedAt } : {}) }
        : { ...base, ...(previousAt ? { appliedAt: previousAt } : {}), ...(previousPolicy ? { appliedPolicy: previousPolicy } : {}), attemptedCommit: push.after, attemptOutcome: 'failed', ...rolloutState },
    );
    return { ok: overall.state === 'success', result, allowDeletions, ...(merged ? { mergedPullRequest: merged.number } : {}), ...(skipped.length ? { skippedChanges: skipped.map((g) => g.key) } : {}) };
  } finally {
    await planned.release();
  }
}

/** Gives the `kkp/*` deployments of `sha` still `queued` the final state `inactive`. */
async function closeQueued(github: GitHubRepository, sha: string, linksOf: (target: string) => DeploymentLinks): Promise<void> {
  for (const d of (await github.deploymentsOf(sha)).filter((x) => x.environment.startsWith('kkp/'))) {
    if ((await github.deploymentState(d.id)) !== 'queued') continue;
    await github.setDeploymentStatus(d.id, d.environment, 'inactive', 'Replaced by the resumed rollout', linksOf(d.environment.slice('kkp/'.length)));
  }
}

/** The pull request merged as `sha` (or, for a rebase merge, one whose commits it holds). */
async function mergedPullRequest(github: GitHubRepository, sha: string): Promise<PullRequestInfo | undefined> {
  const prs = await github.pullRequestsOfCommit(sha);
  return prs.find((p) => p.merged && p.mergeCommitSha === sha) ?? prs.find((p) => p.merged);
}

/** Targets whose newest deployment of `sha` succeeded and whose plan has nothing left to run. */
async function settledTargets(github: GitHubRepository, sha: string, plan: Plan): Promise<Set<string>> {
  const idle = plan.targets.filter((t) => t.status === 'ready' && t.stages.every((s) => s.changes.every((c) => c.action === 'unchanged')));
  if (idle.length === 0) return new Set();
  const deployments = (await github.deploymentsOf(sha)).filter((d) => d.environment.startsWith('kkp/'));
  const settled = new Set<string>();
  for (const t of idle) {
    const newest = deployments.filter((d) => d.environment === environmentOf(t.target)).sort((a, b) => b.id - a.id)[0];
    if (newest && (await github.deploymentState(newest.id)) === 'success') settled.add(t.target);
  }
  return settled;
}

/**
 * Where GitHub's deployment view links (`log_url`): the merged pull request, which gets the apply comment, else the
 * commit, which carries the `kkp-gitops/apply` status.
 */
function deploymentLinks(github: GitHubRepository, merged: PullRequestInfo | undefined, sha: string): DeploymentLinks {
  if (!github.htmlUrl) return {};
  return { logUrl: merged ? `${github.htmlUrl}/pull/${merged.number}` : `${github.htmlUrl}/commit/${sha}` };
}

/**
 * The KKP dashboard of the master (`environment_url`): `https://<spec.ingress.domain>` of the repository's
 * KubermaticConfiguration, when it names a plain host name. Seeds have no page of their own.
 */
function dashboardUrl(repository: LoadedRepository): string | undefined {
  const configuration = repository.documents.find((d) => d.kind === 'KubermaticConfiguration');
  const domain = configuration ? stringAt(configuration.value, 'spec', 'ingress', 'domain') : undefined;
  return domain !== undefined && domain.length <= 253 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(domain) ? `https://${domain}` : undefined;
}

async function lastApplyState(github: GitHubRepository, sha: string): Promise<string | undefined> {
  // GitHub lists the newest first.
  return (await github.commitStatuses(sha)).find((s) => s.context === APPLY_STATUS_CONTEXT)?.state;
}

/** The configuration of the last applied commit, or undefined (the defaults govern) when none is or it cannot be read. */
async function governingConfig(deps: AppDeps, gitDir: string, applied: string | undefined): Promise<RepositoryConfig | undefined> {
  if (!applied || ZERO_SHA.test(applied)) return undefined;
  try {
    return (await deps.engine.load(gitDir, applied)).config;
  } catch {
    // A force push may have left it out of the fetched history: the strictest policy (the defaults) governs.
    return undefined;
  }
}

