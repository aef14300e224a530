/**
 * Webhook payloads for the events the app handles, starting from GitHub's published examples and filled in
 * with this server's repositories, pull requests, users and the test repositories' real SHAs and clone URLs.
 * Helpers that stand for a person's action (a comment, a review) also record it in the store, as GitHub would.
 */
import type { GitHubServer } from './github-server.js';
import { presentCheckRun, presentIssueComment, presentPullRequest, presentRepository, presentReviewComment, presentUser, type Presenter } from './present.js';
import type { CheckRunRecord, PullRequestRecord, RepositoryRecord, ReviewCommentRecord } from './store.js';
import { exampleWebhook } from './webhook-examples.js';

export interface Delivery {
  readonly name: string;
  readonly payload: Record<string, unknown>;
}

function presenter(gh: GitHubServer): Presenter {
  return { urls: { api: gh.apiUrl, web: gh.url }, store: gh.store, app: gh.app };
}

function common(gh: GitHubServer, repository: RepositoryRecord, sender: string) {
  const p = presenter(gh);
  return {
    repository: presentRepository(p, repository),
    sender: presentUser(p, gh.store.user(sender)),
    installation: { id: repository.installationId, node_id: `I_${repository.installationId}` },
  };
}

function baseOf(gh: GitHubServer, pr: PullRequestRecord): RepositoryRecord {
  return gh.store.repositoryById(pr.repositoryId)!;
}

export function pullRequestDelivery(gh: GitHubServer, pr: PullRequestRecord, action: 'opened' | 'synchronize' | 'reopened' | 'ready_for_review' | 'closed', sender = pr.user.login): Delivery {
  const example = exampleWebhook('pull_request', action) as unknown as Record<string, unknown>;
  const payload: Record<string, unknown> = {
    ...example,
    action,
    number: pr.number,
    pull_request: presentPullRequest(presenter(gh), pr),
    ...common(gh, baseOf(gh, pr), sender),
  };
  if (action === 'synchronize') Object.assign(payload, { before: '0'.repeat(40), after: pr.head.sha });
  return { name: 'pull_request', payload };
}

/** A person comments on the pull request: recorded in the store, and the `issue_comment.created` delivery. */
export function issueCommentDelivery(gh: GitHubServer, pr: PullRequestRecord, login: string, body: string): Delivery {
  const now = new Date().toISOString();
  const comment = { id: gh.store.nextId(), repositoryId: pr.repositoryId, issueNumber: pr.number, body, user: gh.store.user(login), appId: null, createdAt: now, updatedAt: now };
  gh.store.issueComments.push(comment);
  const example = exampleWebhook('issue_comment', 'created') as unknown as Record<string, unknown>;
  const p = presenter(gh);
  const pull = presentPullRequest(p, pr);
  const issue = {
    ...(example['issue'] as Record<string, unknown>),
    id: pr.id,
    number: pr.number,
    title: pr.title,
    state: pr.state,
    user: pull.user,
    url: pull.issue_url,
    html_url: pull.html_url,
    comments_url: pull.comments_url,
    pull_request: { url: pull.url, html_url: pull.html_url, diff_url: pull.diff_url, patch_url: pull.patch_url, merged_at: pull.merged_at },
  };
  return { name: 'issue_comment', payload: { ...example, action: 'created', issue, comment: presentIssueComment(p, comment), ...common(gh, baseOf(gh, pr), login) } };
}

/** A person writes a review comment on a line of the pull request. */
export function reviewCommentDelivery(gh: GitHubServer, pr: PullRequestRecord, login: string, body: string, at: { path: string; line: number } = { path: 'README.md', line: 1 }): Delivery {
  const now = new Date().toISOString();
  const comment: ReviewCommentRecord = { id: gh.store.nextId(), repositoryId: pr.repositoryId, issueNumber: pr.number, body, user: gh.store.user(login), appId: null, createdAt: now, updatedAt: now, ...at };
  gh.store.reviewComments.push(comment);
  const example = exampleWebhook('pull_request_review_comment', 'created') as unknown as Record<string, unknown>;
  const p = presenter(gh);
  return { name: 'pull_request_review_comment', payload: { ...example, action: 'created', comment: presentReviewComment(p, comment), pull_request: presentPullRequest(p, pr), ...common(gh, baseOf(gh, pr), login) } };
}

/** A person submits a review whose body is `body`. */
export function reviewDelivery(gh: GitHubServer, pr: PullRequestRecord, login: string, body: string): Delivery {
  const review = { id: gh.store.nextId(), repositoryId: pr.repositoryId, pullNumber: pr.number, body, user: gh.store.user(login), state: 'COMMENTED' as const };
  gh.store.reviews.push(review);
  const example = exampleWebhook('pull_request_review', 'submitted') as unknown as Record<string, unknown>;
  const p = presenter(gh);
  const pull = presentPullRequest(p, pr);
  const exampleReview = example['review'] as Record<string, unknown>;
  return {
    name: 'pull_request_review',
    payload: {
      ...example,
      action: 'submitted',
      review: { ...exampleReview, id: review.id, node_id: `PRR_${review.id}`, user: presentUser(p, review.user), body, state: 'commented', commit_id: pr.head.sha, pull_request_url: pull.url, html_url: `${pull.html_url}#pullrequestreview-${review.id}` },
      pull_request: pull,
      ...common(gh, baseOf(gh, pr), login),
    },
  };
}

/** A push of `branch` from `before` to `after` (default: its current head in the repository). */
export function pushDelivery(gh: GitHubServer, repository: RepositoryRecord, branch: string, before: string, pusher = 'octocat', after = gh.branchSha(repository, branch)): Delivery {
  const example = exampleWebhook('push') as unknown as Record<string, unknown>;
  const headCommit = { ...(example['head_commit'] as Record<string, unknown> | null ?? {}), id: after, tree_id: after, url: `${gh.url}/${repository.fullName}/commit/${after}` };
  const shared = common(gh, repository, pusher);
  return {
    name: 'push',
    payload: {
      ...example,
      ref: `refs/heads/${branch}`,
      before,
      after,
      created: /^0+$/.test(before),
      deleted: false,
      forced: false,
      base_ref: null,
      compare: `${gh.url}/${repository.fullName}/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`,
      commits: [headCommit],
      head_commit: headCommit,
      pusher: { name: pusher, email: `${pusher}@example.com` },
      ...shared,
      // Push payloads carry `pushed_at` and the default branch in `repository`, like the example.
      repository: { ...shared.repository, pushed_at: Math.floor(Date.now() / 1000), master_branch: repository.defaultBranch },
    },
  };
}

/** Someone presses "Re-run" on the app's check run. */
export function checkRunRerequestedDelivery(gh: GitHubServer, run: CheckRunRecord, sender = 'octocat'): Delivery {
  const example = exampleWebhook('check_run', 'rerequested') as unknown as Record<string, unknown>;
  const repository = gh.store.repositoryById(run.repositoryId)!;
  const checkRun = presentCheckRun(presenter(gh), run);
  return { name: 'check_run', payload: { ...example, action: 'rerequested', check_run: { ...(example['check_run'] as Record<string, unknown>), ...checkRun, check_suite: { ...((example['check_run'] as Record<string, unknown>)['check_suite'] as Record<string, unknown>), head_sha: run.headSha, pull_requests: checkRun.pull_requests } }, ...common(gh, repository, sender) } };
}

/** Someone presses "Re-run all checks": the check suite of the run's head (its pull requests as on the run). */
export function checkSuiteRerequestedDelivery(gh: GitHubServer, run: CheckRunRecord, sender = 'octocat'): Delivery {
  const example = exampleWebhook('check_suite', 'rerequested') as unknown as Record<string, unknown>;
  const repository = gh.store.repositoryById(run.repositoryId)!;
  const checkRun = presentCheckRun(presenter(gh), run);
  const suite = example['check_suite'] as Record<string, unknown>;
  return { name: 'check_suite', payload: { ...example, action: 'rerequested', check_suite: { ...suite, id: checkRun.check_suite?.id ?? run.id + 1, head_sha: run.headSha, pull_requests: checkRun.pull_requests, app: checkRun.app }, ...common(gh, repository, sender) } };
}

/** Repositories are added to (or removed from) the app's installation. */
export function installationRepositoriesDelivery(gh: GitHubServer, action: 'added' | 'removed', repositories: readonly RepositoryRecord[], sender = 'octocat'): Delivery {
  const example = exampleWebhook('installation_repositories', action) as unknown as Record<string, unknown>;
  const listed = repositories.map((r) => ({ id: r.id, node_id: `R_${r.id}`, name: r.name, full_name: r.fullName, private: false }));
  const installationId = repositories[0]?.installationId ?? 1;
  return {
    name: 'installation_repositories',
    payload: {
      ...example,
      action,
      installation: { ...(example['installation'] as Record<string, unknown>), id: installationId },
      repository_selection: 'selected',
      repositories_added: action === 'added' ? listed : [],
      repositories_removed: action === 'removed' ? listed : [],
      sender: presentUser(presenter(gh), gh.store.user(sender)),
    },
  };
}

/** The app is installed (`created`) on an account, for these repositories. */
export function installationDelivery(gh: GitHubServer, action: 'created' | 'deleted', repositories: readonly RepositoryRecord[], sender = 'octocat'): Delivery {
  const example = exampleWebhook('installation', action) as unknown as Record<string, unknown>;
  const installationId = repositories[0]?.installationId ?? 1;
  return {
    name: 'installation',
    payload: {
      ...example,
      action,
      installation: { ...(example['installation'] as Record<string, unknown>), id: installationId },
      repositories: repositories.map((r) => ({ id: r.id, node_id: `R_${r.id}`, name: r.name, full_name: r.fullName, private: false })),
      sender: presentUser(presenter(gh), gh.store.user(sender)),
    },
  };
}
