/**
 * The GitHub calls the app makes, for one repository, behind a narrow interface: handlers depend on this, not on
 * Octokit, and tests may replace it. `octokitRepository` implements it with an installation's Octokit.
 */
import type { ProbotOctokit } from 'probot';

export interface PullRequestInfo {
  readonly number: number;
  readonly state: string;
  readonly draft: boolean;
  readonly merged: boolean;
  readonly mergeCommitSha: string | null;
  readonly headSha: string;
  readonly headRef: string;
  readonly baseRef: string;
  readonly baseSha: string;
  /** The head branch lives in another repository (a fork). */
  readonly fromFork: boolean;
  /** When GitHub last changed the pull request (a push changes it), as the delivery says. */
  readonly updatedAt?: string;
}

export interface CheckRunOutput {
  readonly title: string;
  readonly summary: string;
  readonly text?: string;
  readonly annotations?: readonly object[];
}

export interface CheckRunUpdate {
  readonly status?: 'in_progress' | 'completed';
  readonly conclusion?: 'success' | 'failure' | 'neutral' | 'cancelled' | 'action_required';
  readonly output?: CheckRunOutput;
  /** Set on create: the id of what the run is for (the webhook delivery), so another replica can tell it is done. */
  readonly externalId?: string;
}

export interface CheckRunSummary {
  readonly id: number;
  readonly status: string;
  readonly conclusion: string | null;
  readonly externalId: string | null;
  /** When it completed (RFC 3339), by GitHub's clock. */
  readonly completedAt?: string | null;
}

export interface IssueComment {
  readonly id: number;
  readonly body: string;
  /** Written by a bot account (an app), not a person. */
  readonly byBot: boolean;
  readonly authorLogin: string;
}

export type ReactionTarget = { readonly kind: 'issue-comment' | 'review-comment'; readonly id: number } | { readonly kind: 'pull-request'; readonly number: number };
export type Reaction = '+1' | 'eyes' | 'confused';

export interface CommitStatus {
  readonly context: string;
  readonly state: string;
  readonly description: string | null;
  readonly creatorLogin: string | undefined;
}

export interface GitHubRepository {
  readonly owner: string;
  readonly name: string;
  /** `owner/name` */
  readonly fullName: string;
  readonly cloneUrl: string;
  /** The repository's web page (`https://github.com/owner/name`); absent in ports that do not know it. */
  readonly htmlUrl?: string;
  /** An installation access token for Git over HTTPS (read-only contents of this repository). */
  token(): Promise<string>;
  createCheckRun(headSha: string, name: string, update: CheckRunUpdate): Promise<number>;
  /** The check runs named `name` on `headSha`, newest first (to find one a failed create may have made). */
  checkRunsOf(headSha: string, name: string): Promise<CheckRunSummary[]>;
  updateCheckRun(id: number, update: CheckRunUpdate): Promise<void>;
  listComments(issueNumber: number): Promise<IssueComment[]>;
  createComment(issueNumber: number, body: string): Promise<number>;
  updateComment(id: number, body: string): Promise<void>;
  deleteComment(id: number): Promise<void>;
  react(target: ReactionTarget, content: Reaction): Promise<void>;
  /**
   * The person's base permission on the repository (`admin`, `write`, `read` or `none`; maintain counts as write and
   * triage as read, as GitHub's `permission` field says), whatever custom role (`role_name`) they hold. Someone who is
   * no collaborator (GitHub answers 404) has `none`.
   */
  permission(login: string): Promise<string>;
  pullRequest(number: number): Promise<PullRequestInfo>;
  openPullRequests(): Promise<PullRequestInfo[]>;
  pullRequestsOfCommit(sha: string): Promise<PullRequestInfo[]>;
  createDeployment(sha: string, environment: string, description: string): Promise<number>;
  setDeploymentStatus(id: number, environment: string, state: 'queued' | 'in_progress' | 'success' | 'failure' | 'error' | 'inactive', description: string, links?: DeploymentLinks): Promise<void>;
  setCommitStatus(sha: string, context: string, state: 'pending' | 'success' | 'failure' | 'error', description: string): Promise<void>;
  commitStatuses(sha: string): Promise<CommitStatus[]>;
  /** The commit a branch points at. */
  branchHead(branch: string): Promise<string>;
  /** The deployments of a commit, newest first. */
  deploymentsOf(sha: string): Promise<DeploymentInfo[]>;
  /** The newest status of a deployment (`in_progress`, `success`, ...); undefined when it has none yet. */
  deploymentState(id: number): Promise<string | undefined>;
}

/** What GitHub's deployment view links to: where the outcome is told (`log_url`) and the deployed thing (`environment_url`). */
export interface DeploymentLinks {
  readonly logUrl?: string;
  readonly environmentUrl?: string;
}

export interface DeploymentInfo {
  readonly id: number;
  readonly environment: string;
  readonly sha: string;
}

type Octokit = InstanceType<typeof ProbotOctokit>;

interface PullLike {
  number: number;
  state: string;
  draft?: boolean | null | undefined;
  merged?: boolean | null | undefined;
  merged_at?: string | null | undefined;
  merge_commit_sha: string | null;
  updated_at?: string | null | undefined;
  head: { sha: string; ref: string; repo: { full_name: string } | null };
  base: { sha: string; ref: string; repo: { full_name: string } };
}

export function toPullRequestInfo(pr: PullLike): PullRequestInfo {
  return {
    number: pr.number,
    state: pr.state,
    draft: pr.draft ?? false,
    merged: pr.merged ?? (pr.merged_at !== null && pr.merged_at !== undefined),
    mergeCommitSha: pr.merge_commit_sha,
    headSha: pr.head.sha,
    headRef: pr.head.ref,
    baseRef: pr.base.ref,
    baseSha: pr.base.sha,
    // A deleted fork has no head repository: still not this repository.
    fromFork: pr.head.repo?.full_name !== pr.base.repo.full_name,
    ...(pr.updated_at ? { updatedAt: pr.updated_at } : {}),
  };
}

/** Mints a token for Git: `contents: read` on one repository only. */
export type TokenMinter = (repositoryId: number) => Promise<string>;

export function octokitRepository(octokit: Octokit, repository: { id: number; owner: { login: string }; name: string; clone_url: string; html_url?: string }, mintToken: TokenMinter): GitHubRepository {
  const owner = repository.owner.login;
  const repo = repository.name;
  const at = { owner, repo };
  const outputOf = (u: CheckRunUpdate) => (u.output ? { output: { ...u.output, annotations: u.output.annotations as never } } : {});
  return {
    owner,
    name: repo,
    fullName: `${owner}/${repo}`,
    cloneUrl: repository.clone_url,
    htmlUrl: repository.html_url ?? repository.clone_url.replace(/\.git$/, ''),
    token() {
      return mintToken(repository.id);
    },
    async createCheckRun(headSha, name, u) {
      const { data } = await octokit.rest.checks.create({ ...at, head_sha: headSha, name, ...(u.status ? { status: u.status } : {}), ...(u.conclusion ? { conclusion: u.conclusion } : {}), ...(u.externalId ? { external_id: u.externalId } : {}), ...outputOf(u) });
      return Number(data.id);
    },
    async checkRunsOf(headSha, name) {
      const { data } = await octokit.rest.checks.listForRef({ ...at, ref: headSha, check_name: name, filter: 'all', per_page: 100 });
      return data.check_runs.map((r) => ({ id: Number(r.id), status: r.status, conclusion: r.conclusion ?? null, externalId: r.external_id ?? null, completedAt: r.completed_at ?? null }));
    },
    async updateCheckRun(id, u) {
      await octokit.rest.checks.update({ ...at, check_run_id: id, ...(u.status ? { status: u.status } : {}), ...(u.conclusion ? { conclusion: u.conclusion } : {}), ...outputOf(u) });
    },
    async listComments(issueNumber) {
      const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...at, issue_number: issueNumber, per_page: 100 });
      return comments.map((c) => ({ id: Number(c.id), body: c.body ?? '', byBot: c.user?.type === 'Bot', authorLogin: c.user?.login ?? '' }));
    },
    async createComment(issueNumber, body) {
      const { data } = await octokit.rest.issues.createComment({ ...at, issue_number: issueNumber, body });
      return Number(data.id);
    },
    async updateComment(id, body) {
      await octokit.rest.issues.updateComment({ ...at, comment_id: id, body });
    },
    async deleteComment(id) {
      await octokit.rest.issues.deleteComment({ ...at, comment_id: id });
    },
    async react(target, content) {
      if (target.kind === 'pull-request') await octokit.rest.reactions.createForIssue({ ...at, issue_number: target.number, content });
      else if (target.kind === 'issue-comment') await octokit.rest.reactions.createForIssueComment({ ...at, comment_id: target.id, content });
      else await octokit.rest.reactions.createForPullRequestReviewComment({ ...at, comment_id: target.id, content });
    },
    async permission(login) {
      try {
        const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...at, username: login });
        // Never `role_name`: a custom role (`kkp-operator`) is based on one of these and says nothing by its name.
        return data.permission;
      } catch (error) {
        if ((error as { status?: unknown }).status === 404) return 'none';
        throw error;
      }
    },
    async pullRequest(number) {
      const { data } = await octokit.rest.pulls.get({ ...at, pull_number: number });
      return toPullRequestInfo(data);
    },
    async openPullRequests() {
      const pulls = await octokit.paginate(octokit.rest.pulls.list, { ...at, state: 'open', per_page: 100 });
      return pulls.map((p) => toPullRequestInfo(p));
    },
    async pullRequestsOfCommit(sha) {
      const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({ ...at, commit_sha: sha, per_page: 100 });
      return data.map((p) => toPullRequestInfo(p));
    },
    async createDeployment(sha, environment, description) {
      const { data } = await octokit.rest.repos.createDeployment({ ...at, ref: sha, environment, description, task: 'deploy', auto_merge: false, required_contexts: [], production_environment: true });
      if (!('id' in data)) throw new Error(`GitHub did not create the deployment for ${environment}: ${data.message ?? 'no reason given'}`);
      return Number(data.id);
    },
    async setDeploymentStatus(id, environment, state, description, links = {}) {
      await octokit.rest.repos.createDeploymentStatus({ ...at, deployment_id: id, state, description, environment, ...(links.logUrl ? { log_url: links.logUrl } : {}), ...(links.environmentUrl ? { environment_url: links.environmentUrl } : {}) });
    },
    async setCommitStatus(sha, context, state, description) {
      await octokit.rest.repos.createCommitStatus({ ...at, sha, state, context, description });
    },
    async commitStatuses(sha) {
      // Every page: an allowance or an apply status may be beyond the first hundred.
      const data = await octokit.paginate(octokit.rest.repos.listCommitStatusesForRef, { ...at, ref: sha, per_page: 100 });
      return data.map((s) => ({ context: s.context, state: s.state, description: s.description, creatorLogin: s.creator?.login }));
    },
    async branchHead(branch) {
      const { data } = await octokit.rest.repos.getBranch({ ...at, branch });
      return data.commit.sha;
    },
    async deploymentsOf(sha) {
      const deployments = await octokit.paginate(octokit.rest.repos.listDeployments, { ...at, sha, per_page: 100 });
      return deployments.map((d) => ({ id: Number(d.id), environment: d.environment, sha: d.sha }));
    },
    async deploymentState(id) {
      const { data } = await octokit.rest.repos.listDeploymentStatuses({ ...at, deployment_id: id, per_page: 1 });
      return data[0]?.state;
    },
  };
}
