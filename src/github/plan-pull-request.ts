/**
 * Validates and plans one pull request head: a `kkp-gitops` check run goes in_progress at once, the head and base
 * are fetched into the repository's mirror, and the head goes through the one reconcile (`engine.reconcile`) with
 * the base branch's configuration governing (a pull request cannot loosen its own policy) and the allowances given
 * for this head; the sticky comment is written, then the check run completes with annotations (batches of 50). The
 * check run always completes, also when the comment cannot be written (the reason is in it). Nothing is applied
 * here, whoever opened the pull request.
 */
import { createLruMap } from '../core/lru-map.js';
import { describeError } from '../core/errors.js';
import type { AppDeps } from './app-deps.js';
import { CHECK_NAME, PLAN_COMMENT } from './app-deps.js';
import { batches, fitText, toAnnotation } from './check-run-output.js';
import { allowancesFor } from './deletion-allowance.js';
import type { GitHubRepository, PullRequestInfo } from './github-repository.js';
import { checkSummary, conclusionOf, planCommentBody, planMarkdown, titleOf, type PlanOutcome } from './plan-comment.js';
import { CommitNotFoundError } from './repository-mirror.js';
import { upsertStickyComment } from './sticky-comment.js';

/**
 * The newest head known for each pull request, noted when a delivery arrives (before its plan is queued), so that
 * a plan still running for an older head sees at once that it is outdated. Bounded: the oldest entries are forgotten.
 */
export interface PullRequestHeads {
  /**
   * Notes a head seen in a delivery. `updatedAt` is the pull request's `updated_at` in that delivery: a delivery that
   * arrives late with an older time does not replace a newer head (ties go to the later arrival). Returns whether
   * `headSha` is now the newest known head.
   */
  note(repository: string, pullNumber: number, headSha: string, updatedAt?: string): boolean;
  newest(repository: string, pullNumber: number): string | undefined;
}

export function createPullRequestHeads(limit = 10_000): PullRequestHeads {
  const heads = createLruMap<{ readonly sha: string; readonly at: number | undefined }>(limit);
  return {
    note(repository, pullNumber, headSha, updatedAt) {
      const key = `${repository}#${pullNumber}`;
      const at = updatedAt === undefined ? undefined : Date.parse(updatedAt);
      const known = heads.get(key);
      if (known?.at !== undefined && at !== undefined && !Number.isNaN(at) && at < known.at) return known.sha === headSha;
      heads.set(key, { sha: headSha, at: at !== undefined && !Number.isNaN(at) ? at : undefined });
      return true;
    },
    newest(repository, pullNumber) {
      return heads.get(`${repository}#${pullNumber}`)?.sha;
    },
  };
}

/**
 * Plans `pr` and publishes the result, unless a newer head of the pull request became known (`deps.heads` in this
 * process; with coordination also the newest head any replica noted on the pull request's Lease): that is checked
 * before every write (check run creation, the sticky comment, each check run update). A plan overtaken
 * after its check run was created completes it as `cancelled` ("Superseded by <sha>") on its own, older commit and
 * publishes nothing else; the newer head's plan (queued behind it) writes the comment and its own check run. Returns
 * the outcome, or undefined when abandoned.
 */
export interface PlanPullRequestOptions {
  /**
   * The webhook delivery the plan answers. With coordination, replicas that received the same delivery plan it once:
   * under the pull request's claim (its Lease; plans never take the repository's lock, so plans of other pull
   * requests run at the same time on other replicas), a plan whose delivery already has a check run on the head is
   * not made again.
   */
  readonly delivery?: string;
}

export async function planPullRequest(deps: AppDeps, github: GitHubRepository, pr: PullRequestInfo, options: PlanPullRequestOptions = {}): Promise<PlanOutcome | undefined> {
  const { delivery } = options;
  const coordination = deps.coordination;
  if (delivery === undefined || !coordination) return planAndPublish(deps, github, pr);
  // The newest head any replica received: a miss (the master unreachable) only means the plan may be superseded late.
  const remoteNewest = async (): Promise<string | undefined> => {
    try {
      return await coordination.newestPullRequestHead(github.fullName, pr.number);
    } catch (error) {
      deps.log.warn({ err: error, head: pr.headSha }, 'could not read the newest head of the pull request from its Lease');
      return undefined;
    }
  };
  let claimed = false;
  try {
    return await coordination.withPullRequestClaim(github.fullName, pr.number, async () => {
      claimed = true;
      const planned = (await github.checkRunsOf(pr.headSha, CHECK_NAME)).some((run) => run.externalId === delivery);
      if (planned) {
        deps.log.info({ head: pr.headSha, delivery }, 'delivery already planned by another replica');
        return undefined;
      }
      return planAndPublish(deps, github, pr, delivery, remoteNewest);
    });
  } catch (error) {
    if (claimed) throw error;
    // No claim to be had (another replica holds it past the wait, or the master is unreachable): plan anyway, so
    // the pull request gets its check run and the reason, rather than nothing.
    deps.log.warn({ err: error, head: pr.headSha }, 'planning without the pull request’s claim');
    return planAndPublish(deps, github, pr, delivery, remoteNewest);
  }
}

async function planAndPublish(deps: AppDeps, github: GitHubRepository, pr: PullRequestInfo, delivery?: string, remoteNewest?: () => Promise<string | undefined>): Promise<PlanOutcome | undefined> {
  const supersededBy = async (): Promise<string | undefined> => {
    const newest = deps.heads?.newest(github.fullName, pr.number);
    if (newest !== undefined && newest !== pr.headSha) return newest;
    const remote = await remoteNewest?.();
    return remote !== undefined && remote !== pr.headSha ? remote : undefined;
  };
  if (await supersededBy()) {
    deps.log.info({ repository: github.fullName, pull: pr.number, head: pr.headSha }, 'head superseded before planning; not planned');
    return undefined;
  }
  const checkRunId = await github.createCheckRun(pr.headSha, CHECK_NAME, {
    ...(delivery !== undefined ? { externalId: delivery } : {}),
    status: 'in_progress',
    output: { title: 'Planning', summary: `Validating and planning \`${pr.headSha.slice(0, 7)}\` against the live clusters.` },
  });
  const abandon = async (newer: string | undefined) => {
    const by = newer ? ` by \`${newer.slice(0, 7)}\`` : '';
    deps.log.info({ repository: github.fullName, pull: pr.number, head: pr.headSha, newer }, 'plan superseded by a newer head');
    await github.updateCheckRun(checkRunId, { conclusion: 'cancelled', output: { title: `Superseded${newer ? ` by ${newer.slice(0, 7)}` : ''}`, summary: `\`${pr.headSha.slice(0, 7)}\` is no longer the head of the pull request: superseded${by}. The newer head gets its own plan.` } });
    return undefined;
  };
  let outcome: PlanOutcome;
  try {
    outcome = await computeOutcome(deps, github, pr);
  } catch (error) {
    // The branch moved on: the newer push has its own delivery and check run.
    if (error instanceof CommitNotFoundError) return abandon(await supersededBy());
    deps.log.error({ err: error, repository: github.fullName, pull: pr.number }, 'planning failed');
    outcome = { headSha: pr.headSha, diagnostics: [], failure: describeError(error), fromFork: pr.fromFork, deletions: 'not-allowed' };
  }
  const newer = await supersededBy();
  if (newer) return abandon(newer);
  // The comment first: Octokit spaces writes by a second, and the comment is what people wait for. A comment that
  // cannot be written (after retries) does not leave the check run in progress: it completes, saying why.
  try {
    await upsertStickyComment(github, pr.number, planCommentBody(outcome), { name: PLAN_COMMENT, author: await deps.appLogin() });
  } catch (error) {
    deps.log.error({ err: error, repository: github.fullName, pull: pr.number }, 'writing the plan comment failed');
    outcome = { ...outcome, commentFailure: describeError(error) };
  }
  const completed = await completeCheckRun(github, checkRunId, outcome, supersededBy);
  if (!completed) return abandon(await supersededBy());
  return outcome;
}

async function computeOutcome(deps: AppDeps, github: GitHubRepository, pr: PullRequestInfo): Promise<PlanOutcome> {
  const baseRef = `refs/heads/${pr.baseRef}`;
  const gitDir = await deps.mirrors.fetch({ fullName: github.fullName, cloneUrl: github.cloneUrl, token: await github.token(), refs: [baseRef, `refs/pull/${pr.number}/head`], commits: [pr.headSha] });
  // The base branch as it is now (the payload's base SHA may be older).
  // The head is read with the base's limits: a pull request cannot raise them for itself (so the base is read first).
  const base = await deps.engine.load(gitDir, baseRef);
  const head = await deps.engine.load(gitDir, pr.headSha, { limits: base.config.limits });
  const allowances = await allowancesFor(github, pr.number, pr.headSha, await deps.appLogin());
  // The pull request is not trusted: seeds are reached only as the live master's Seeds say (never as the PR says).
  const planned = await deps.engine.reconcile({ head, base, governing: base.config, allowances, repository: github.fullName, seedAccess: 'live' });
  await planned.release();
  const gated = planned.decision?.gated ?? [];
  const allowedByPolicy = planned.policy.allowDeletions;
  const allowedForCommit = !allowedByPolicy && gated.some((g) => g.verdict === 'allowed-by-allowance');
  return {
    headSha: pr.headSha,
    diagnostics: planned.diagnostics,
    ...(planned.plan ? { plan: planned.plan } : {}),
    fromFork: pr.fromFork,
    deletions: allowedByPolicy ? 'allowed-by-policy' : allowedForCommit ? 'allowed-for-commit' : 'not-allowed',
    ...(planned.decision ? { gated } : {}),
    ...(planned.policyChange ? { policyChange: planned.policyChange } : {}),
  };
}

/** Completes the check run; false (and nothing more written) once `supersededBy` names a newer head. */
async function completeCheckRun(github: GitHubRepository, id: number, outcome: PlanOutcome, supersededBy: () => Promise<string | undefined>): Promise<boolean> {
  const title = titleOf(outcome);
  const summary = fitText(checkSummary(outcome));
  const text = outcome.plan ? fitText(planMarkdown(outcome.plan)) : undefined;
  const groups = batches(outcome.diagnostics.map(toAnnotation));
  // Annotations accumulate over updates: every batch but the last goes in its own update.
  for (const group of groups.slice(0, -1)) {
    if (await supersededBy()) return false;
    await github.updateCheckRun(id, { output: { title, summary, annotations: group } });
  }
  if (await supersededBy()) return false;
  const last = groups.at(-1);
  await github.updateCheckRun(id, {
    status: 'completed',
    conclusion: conclusionOf(outcome),
    output: { title, summary, ...(text ? { text } : {}), ...(last ? { annotations: last } : {}) },
  });
  return true;
}
