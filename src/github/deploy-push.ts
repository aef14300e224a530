/**
 * A push to the default branch (a merge or a direct push): reconcile the pushed commit into the master and every
 * seed. Destructive changes run only when the merged pull request carried an allowance for its final head, or the
 * policy (of the branch before the push) allows them; otherwise they are skipped and reported. One GitHub deployment
 * per target (`kkp/master`, `kkp/<seed>`) with in_progress → success/failure statuses, a comment with the result on
 * the merged pull request, and a commit status with the overall outcome on the pushed commit.
 */
import type { ApplyResult } from '../core/apply/apply-result.js';
import { DEFAULT_REPOSITORY_CONFIG } from '../core/config/repository-config.js';
import { describeError } from '../core/errors.js';
import type { LoadedRepository } from '../core/load/loaded-repository.js';
import { renderReport } from '../core/report/render-report.js';
import { toReportView, type ReportTarget } from '../core/report/report-view.js';
import type { AppDeps } from './app-deps.js';
import { hasAllowance } from './deletion-allowance.js';
import type { GitHubRepository, PullRequestInfo } from './github-repository.js';
import { GITHUB_LIMITS } from './github-limits.js';
import { formatDiagnosticLine } from './plan-comment.js';
import { upsertStickyComment } from './sticky-comment.js';

export const APPLY_STATUS_CONTEXT = 'kkp-gitops/apply';

export interface PushEvent {
  readonly branch: string;
  readonly before: string;
  readonly after: string;
}

export interface DeployOutcome {
  readonly ok: boolean;
  readonly result?: ApplyResult;
  readonly mergedPullRequest?: number;
  readonly allowDeletions: boolean;
}

const ZERO_SHA = /^0+$/;

export async function deployPush(deps: AppDeps, github: GitHubRepository, push: PushEvent): Promise<DeployOutcome> {
  const branchRef = `refs/heads/${push.branch}`;
  const gitDir = await deps.mirrors.fetch({ fullName: github.fullName, cloneUrl: github.cloneUrl, token: await github.token(), refs: [branchRef], commits: [push.after] });
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
      return { ok: false, allowDeletions, ...(merged ? { mergedPullRequest: merged.number } : {}) };
    }
    const deployments = new Map<string, number>();
    for (const target of planned.plan.targets) {
      const environment = environmentOf(target.target);
      const id = await github.createDeployment(push.after, environment, `kkp-gitops apply of ${push.after.slice(0, 7)}`);
      deployments.set(target.target, id);
      await github.setDeploymentStatus(id, environment, 'in_progress', 'Applying');
    }
    let result: ApplyResult;
    try {
      result = await deps.engine.apply(planned.plan, planned.clients ?? new Map());
    } catch (error) {
      for (const [target, id] of deployments) await github.setDeploymentStatus(id, environmentOf(target), 'error', describe(`apply failed: ${describeError(error)}`));
      await github.setCommitStatus(push.after, APPLY_STATUS_CONTEXT, 'error', describe(`Apply failed: ${describeError(error)}`));
      throw error;
    }
    const view = toReportView(result);
    for (const target of view.targets) {
      const id = deployments.get(target.target);
      if (id === undefined) continue;
      await github.setDeploymentStatus(id, environmentOf(target.target), target.status === 'applied' ? 'success' : 'failure', describe(targetDescription(target)));
    }
    const ok = result.targets.every((t) => t.status === 'applied');
    const skipped = view.targets.flatMap((t) => t.rows).filter((r) => r.destructive && r.action === 'skip').length;
    const overall = `${ok ? 'Applied' : 'Failed'}: ${view.counts.create} created, ${view.counts.update} updated, ${view.counts.delete} deleted${skipped ? `, ${skipped} deletion(s) skipped` : ''}`;
    await github.setCommitStatus(push.after, APPLY_STATUS_CONTEXT, ok ? 'success' : 'failure', describe(overall));
    if (merged) {
      const note = skipped > 0 ? `\n\n**${skipped} destructive change${skipped === 1 ? ' was' : 's were'} skipped**: the pull request had no \`/kkp allow-deletions\` for its final head \`${merged.headSha.slice(0, 7)}\` and the policy does not allow them.` : '';
      await comment(github, merged, push.after, `${renderReport(result, { format: 'markdown', detailLimit: Number.MAX_SAFE_INTEGER, maxLength: Number.MAX_SAFE_INTEGER }).trimEnd()}${note}`);
    }
    return { ok, result, allowDeletions, ...(merged ? { mergedPullRequest: merged.number } : {}) };
  } finally {
    await planned.release();
  }
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
