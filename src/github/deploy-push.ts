/**
 * A push to the default branch (a merge or a direct push): reconcile the pushed commit into the master and every
 * seed. Destructive changes run only when the merged pull request carried an allowance for its final head, or the
 * policy (of the branch before the push) allows them; otherwise they are skipped and reported. One GitHub deployment
 * per target (`kkp/master`, `kkp/<seed>`) with in_progress → success/failure statuses, a comment with the result on
 * the merged pull request, and a commit status with the overall outcome on the pushed commit.
 *
 * Exactly once and in order, across processes: the reconcile holds the repository's Lease lock
 * (`deps.coordination`) and reads the applied-commit record on it. A commit that is the applied commit is skipped
 * silently (a redelivery, or the other replica already did it); an ancestor of the applied commit (or of a newer
 * commit whose apply did not finish) is skipped as superseded, with a commit status saying so. Otherwise the record
 * gets `applying-commit` and the deployment ids before the first cluster write, and `applied-commit` after the
 * last. Deployments a dead holder left in progress get a final `error` status first.
 */
import type { AppliedRecord } from '../coordination/applied-record.js';
import { isAncestor } from '../coordination/commit-order.js';
import { LockTimeoutError } from '../coordination/lock-errors.js';
import type { RepositoryLock } from '../coordination/repository-lock.js';
import type { ApplyResult } from '../core/apply/apply-result.js';
import { DEFAULT_REPOSITORY_CONFIG } from '../core/config/repository-config.js';
import { describeError } from '../core/errors.js';
import { stringAt } from '../core/model/plain-data.js';
import type { LoadedRepository } from '../core/load/loaded-repository.js';
import { renderReport } from '../core/report/render-report.js';
import { toReportView, type ReportTarget } from '../core/report/report-view.js';
import type { AppDeps } from './app-deps.js';
import { hasAllowance } from './deletion-allowance.js';
import type { DeploymentLinks, GitHubRepository, PullRequestInfo } from './github-repository.js';
import { GITHUB_LIMITS } from './github-limits.js';
import { formatDiagnosticLine } from './plan-comment.js';
import { upsertStickyComment } from './sticky-comment.js';

/** How a merged commit is applied: conflicts with other field managers are resolved in Git's favour. */
const MERGED_COMMIT_WINS = Object.freeze({ force: true });

export const APPLY_STATUS_CONTEXT = 'kkp-gitops/apply';

export interface PushEvent {
  /** The default branch. */
  readonly branch: string;
  readonly before: string;
  readonly after: string;
  /** The GitHub App installation that delivered it; kept in the record for restart recovery. */
  readonly installationId?: number;
}

export interface DeployOutcome {
  readonly ok: boolean;
  readonly result?: ApplyResult;
  readonly mergedPullRequest?: number;
  readonly allowDeletions: boolean;
  /** Not applied: `already-applied` (the record names this commit) or `superseded` (a newer commit is recorded). */
  readonly skipped?: 'already-applied' | 'superseded';
  /** The newer commit that superseded this one. */
  readonly supersededBy?: string;
  /** Deployments left in progress by an interrupted reconcile that got their final status here. */
  readonly finalizedDeployments?: readonly number[];
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
  try {
    return await coordination.withLock(github.fullName, (lock) => reconcileUnderLock(deps, github, push, lock));
  } catch (error) {
    if (error instanceof LockTimeoutError) {
      // Said where people look; restart recovery applies the branch's head once the lock is free.
      await github.setCommitStatus(push.after, APPLY_STATUS_CONTEXT, 'error', describe(`Not applied yet: the repository lock is held by ${error.holder ?? 'another process'}; recovery will apply the branch head`));
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
  const decision = await decide(gitDir, record, push.after);
  if (decision.skip) {
    if (finalized.length > 0 || record?.applyingCommit) {
      // The interrupted commit was not fully applied: recovery retries it (or the branch's head).
      await lock.updateRecord((current) => ({ ...baseRecord(current, github, push), ...(record?.applyingCommit ? { attemptedCommit: record.applyingCommit, attemptOutcome: 'failed' as const } : {}) }));
    }
    // A commit that already has its outcome (another replica applied it before the newer one) keeps it.
    if (decision.skip === 'superseded' && !(await hasFinalApplyStatus(github, push.after))) {
      await github.setCommitStatus(push.after, APPLY_STATUS_CONTEXT, 'success', describe(`Superseded by ${decision.by.slice(0, 7)}: not applied (a newer commit is applied)`));
    }
    deps.log.info({ repository: github.fullName, commit: push.after, skipped: decision.skip, by: decision.by }, decision.skip === 'superseded' ? `superseded by ${decision.by}` : 'already applied');
    return { ok: true, allowDeletions: false, skipped: decision.skip, supersededBy: decision.by, ...(finalized.length ? { finalizedDeployments: finalized } : {}) };
  }
  const outcome = await applyPush(deps, github, push, { lock, gitDir });
  return finalized.length ? { ...outcome, finalizedDeployments: finalized } : outcome;
}

type Decision = { skip: false } | { skip: 'already-applied' | 'superseded'; by: string };

/** Whether `commit` must be applied, given what the record says is applied or was last (partly) applied. */
async function decide(gitDir: string, record: AppliedRecord | undefined, commit: string): Promise<Decision> {
  const applied = record?.appliedCommit;
  if (applied === commit) return { skip: 'already-applied', by: applied };
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
    await github.setDeploymentStatus(id, environments.get(id) ?? 'kkp/unknown', 'error', describe(description), deploymentLinks(github, undefined, interrupted));
    finalized.push(id);
  }
  if (next !== interrupted) await github.setCommitStatus(interrupted, APPLY_STATUS_CONTEXT, 'error', describe(`Interrupted${by}; superseded by ${next.slice(0, 7)}`));
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
    ...(current?.attemptedCommit ? { attemptedCommit: current.attemptedCommit } : {}),
    ...(current?.attemptOutcome ? { attemptOutcome: current.attemptOutcome } : {}),
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
  /** Writes the record (when holding a lock): its identity fields, nothing in progress, then `change`. */
  const record = (change: (base: AppliedRecord) => AppliedRecord) => lock?.updateRecord((current) => change(baseRecord(current, github, push)));
  const head = await deps.engine.load(gitDir, push.after);
  const policy = (await policyBefore(deps, gitDir, push.before)) ?? head.config.policy;
  const merged = (await github.pullRequestsOfCommit(push.after)).find((p) => p.merged && p.mergeCommitSha === push.after) ?? (await github.pullRequestsOfCommit(push.after)).find((p) => p.merged);
  const allowance = merged ? await hasAllowance(github, merged.headSha, await deps.appLogin()) : false;
  const allowDeletions = policy.allowDeletions || allowance;
  await github.setCommitStatus(push.after, APPLY_STATUS_CONTEXT, 'pending', 'Applying to the KKP master and seeds');

  const planned = await deps.engine.plan({ head: { ...head, config: { ...head.config, policy } }, repository: github.fullName, allowDeletions });
  try {
    if (!planned.plan) {
      const errors = planned.diagnostics.filter((d) => d.severity === 'error');
      await github.setCommitStatus(push.after, APPLY_STATUS_CONTEXT, 'failure', `Not applied: ${errors.length} validation error(s)`);
      if (merged) await comment(github, merged, push.after, [`Nothing was applied: \`${push.after.slice(0, 7)}\` has validation errors.`, '', ...errors.slice(0, 50).map(formatDiagnosticLine)].join('\n'));
      await record((base) => ({ ...base, attemptedCommit: push.after, attemptOutcome: 'invalid' }));
      return { ok: false, allowDeletions, ...(merged ? { mergedPullRequest: merged.number } : {}) };
    }
    // Recorded before the first write anywhere: a crash from here on leaves `applying-commit` for recovery.
    const applyingHolder = lock?.holderIdentity;
    await record((base) => ({ ...base, applyingCommit: push.after, ...(applyingHolder ? { applyingHolder } : {}) }));
    const deployments = new Map<string, number>();
    const dashboard = dashboardUrl(head);
    const linksOf = (target: string): DeploymentLinks => ({ ...deploymentLinks(github, merged, push.after), ...(target === 'master' && dashboard ? { environmentUrl: dashboard } : {}) });
    for (const target of planned.plan.targets) {
      const environment = environmentOf(target.target);
      const id = await github.createDeployment(push.after, environment, `kkp-gitops apply of ${push.after.slice(0, 7)}`);
      deployments.set(target.target, id);
      await github.setDeploymentStatus(id, environment, 'in_progress', 'Applying', linksOf(target.target));
    }
    await record((base) => ({ ...base, applyingCommit: push.after, ...(applyingHolder ? { applyingHolder } : {}), deployments: [...deployments.values()] }));
    let result: ApplyResult;
    try {
      lock?.assertHeld();
      // The merged commit is the truth: fields a hand edit took over are taken back (server-side apply with force),
      // as Argo CD and Flux reconcile. The pull request's plan showed them as drift before the merge.
      result = await deps.engine.apply(planned.plan, planned.clients ?? new Map(), MERGED_COMMIT_WINS);
    } catch (error) {
      for (const [target, id] of deployments) await github.setDeploymentStatus(id, environmentOf(target), 'error', describe(`apply failed: ${describeError(error)}`), linksOf(target));
      await github.setCommitStatus(push.after, APPLY_STATUS_CONTEXT, 'error', describe(`Apply failed: ${describeError(error)}`));
      if (lock?.held) await record((base) => ({ ...base, attemptedCommit: push.after, attemptOutcome: 'failed' }));
      throw error;
    }
    const view = toReportView(result);
    for (const target of view.targets) {
      const id = deployments.get(target.target);
      if (id === undefined) continue;
      await github.setDeploymentStatus(id, environmentOf(target.target), target.status === 'applied' ? 'success' : 'failure', describe(targetDescription(target)), linksOf(target.target));
    }
    const ok = result.targets.every((t) => t.status === 'applied');
    const skipped = view.targets.flatMap((t) => t.rows).filter((r) => r.destructive && r.action === 'skip').length;
    const overall = `${ok ? 'Applied' : 'Failed'}: ${view.counts.create} created, ${view.counts.update} updated, ${view.counts.delete} deleted${skipped ? `, ${skipped} deletion(s) skipped` : ''}`;
    await github.setCommitStatus(push.after, APPLY_STATUS_CONTEXT, ok ? 'success' : 'failure', describe(overall));
    if (merged) {
      const note = skipped > 0 ? `\n\n**${skipped} destructive change${skipped === 1 ? ' was' : 's were'} skipped**: the pull request had no \`/kkp allow-deletions\` for its final head \`${merged.headSha.slice(0, 7)}\` and the policy does not allow them.` : '';
      await comment(github, merged, push.after, `${renderReport(result, { format: 'markdown', detailLimit: Number.MAX_SAFE_INTEGER, maxLength: Number.MAX_SAFE_INTEGER }).trimEnd()}${note}`);
    }
    // Last, so that a crash before it (comment or status not written yet) re-runs the whole reconcile; the re-run
    // edits the same comment and finds the deployments final.
    const appliedAt = deps.coordination ? new Date(deps.coordination.clock.now()).toISOString() : undefined;
    await record(({ attemptedCommit: _commit, attemptOutcome: _outcome, appliedAt: previousAt, ...base }) =>
      ok ? { ...base, appliedCommit: push.after, ...(appliedAt ? { appliedAt } : {}) } : { ...base, ...(previousAt ? { appliedAt: previousAt } : {}), attemptedCommit: push.after, attemptOutcome: 'failed' },
    );
    return { ok, result, allowDeletions, ...(merged ? { mergedPullRequest: merged.number } : {}) };
  } finally {
    await planned.release();
  }
}

async function hasFinalApplyStatus(github: GitHubRepository, sha: string): Promise<boolean> {
  return (await github.commitStatuses(sha)).some((s) => s.context === APPLY_STATUS_CONTEXT && s.state !== 'pending');
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

/** `kkp/master`, `kkp/seed-eu`. */
export function environmentOf(target: string): string {
  return `kkp/${target}`;
}

function targetDescription(t: ReportTarget): string {
  if (t.status === 'unreachable') return `Unreachable: ${t.error ?? 'unknown error'}`;
  const c = t.counts;
  return `${t.status === 'applied' ? 'Applied' : 'Failed'}: ${c.create} created, ${c.update} updated, ${c.delete} deleted, ${c.skip} skipped, ${c.unchanged} unchanged`;
}

/** GitHub refuses status descriptions over 140 characters. */
function describe(text: string): string {
  return text.length <= GITHUB_LIMITS.statusDescription ? text : `${text.slice(0, GITHUB_LIMITS.statusDescription - 1)}…`;
}

async function policyBefore(deps: AppDeps, gitDir: string, before: string): Promise<LoadedRepository['config']['policy'] | undefined> {
  if (ZERO_SHA.test(before)) return undefined;
  try {
    return (await deps.engine.load(gitDir, before)).config.policy;
  } catch {
    // A force push may have left `before` out of the fetched history: fall back to the strictest policy.
    return DEFAULT_REPOSITORY_CONFIG.policy;
  }
}

async function comment(github: GitHubRepository, pr: PullRequestInfo, sha: string, body: string): Promise<void> {
  await upsertStickyComment(github, pr.number, `## kkp-gitops apply of \`${sha.slice(0, 7)}\`\n\n${body}\n`, { name: `apply-${sha}` });
}
