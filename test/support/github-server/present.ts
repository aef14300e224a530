/**
 * Store records → response bodies in the shapes of GitHub's published REST API (`@octokit/openapi-types`).
 * Large objects (repository, pull request) start from `@octokit/webhooks-examples` payloads, as GitHub's own
 * webhook objects share those shapes, and get this server's ids, names and URLs.
 */
import type { components } from '@octokit/openapi-types';
import type { AppCredentials } from './app-credentials.js';
import type {
  CheckRunRecord,
  CommentRecord,
  CommitStatusRecord,
  DeploymentRecord,
  DeploymentStatusRecord,
  GitHubStore,
  PullRequestRecord,
  ReactionRecord,
  RepositoryRecord,
  ReviewCommentRecord,
  UserRecord,
} from './store.js';
import { exampleWebhook } from './webhook-examples.js';

type Schemas = components['schemas'];

export interface ServerUrls {
  /** `http://127.0.0.1:<port>/api/v3` */
  readonly api: string;
  /** `http://127.0.0.1:<port>` (HTML pages and Git). */
  readonly web: string;
}

export interface Presenter {
  readonly urls: ServerUrls;
  readonly store: GitHubStore;
  readonly app: AppCredentials;
}

export function presentUser(p: Presenter, user: UserRecord): Schemas['simple-user'] {
  // As GitHub writes a bot's: `/users/kkp-gitops%5Bbot%5D`.
  const login = encodeURIComponent(user.login);
  const url = `${p.urls.api}/users/${login}`;
  return {
    login: user.login,
    id: user.id,
    node_id: `U_${user.id}`,
    // Like avatars.githubusercontent.com: by id.
    avatar_url: `${p.urls.web}/avatars/u/${user.id}?v=4`,
    gravatar_id: '',
    url,
    html_url: `${p.urls.web}/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: user.type,
    site_admin: false,
  };
}

export function botUser(p: Presenter): UserRecord {
  return p.store.user(`${p.app.slug}[bot]`, 'Bot');
}

export function presentApp(p: Presenter): NonNullable<Schemas['nullable-integration']> {
  const owner = p.store.user('kubermatic', 'Organization');
  return {
    id: p.app.appId,
    slug: p.app.slug,
    node_id: `A_${p.app.appId}`,
    owner: presentUser(p, owner),
    name: p.app.slug,
    description: 'GitOps for KKP',
    external_url: `${p.urls.web}/apps/${p.app.slug}`,
    html_url: `${p.urls.web}/apps/${p.app.slug}`,
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
    permissions: {},
    events: [],
  };
}

/** A repository object as in webhooks and `GET /repos/{owner}/{repo}`. */
export function presentRepository(p: Presenter, repo: RepositoryRecord): Schemas['repository'] {
  const example = exampleWebhook('pull_request', 'opened').repository as unknown as Record<string, unknown>;
  const api = `${p.urls.api}/repos/${repo.fullName}`;
  const withUrls: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(example)) {
    // Rewrite every templated API URL of the example onto this server and this repository.
    withUrls[key] = typeof value === 'string' && key.endsWith('_url') && value.startsWith('https://api.github.com/repos/') ? value.replace(/^https:\/\/api\.github\.com\/repos\/[^/]+\/[^/{]+/, api) : value;
  }
  const parent = repo.parentId === undefined ? undefined : p.store.repositoryById(repo.parentId);
  return {
    ...(withUrls as unknown as Schemas['repository']),
    id: repo.id,
    node_id: `R_${repo.id}`,
    name: repo.name,
    full_name: repo.fullName,
    owner: presentUser(p, repo.owner),
    private: false,
    fork: parent !== undefined,
    html_url: `${p.urls.web}/${repo.fullName}`,
    url: api,
    git_url: `git://127.0.0.1/${repo.fullName}.git`,
    ssh_url: `git@127.0.0.1:${repo.fullName}.git`,
    clone_url: `${p.urls.web}/${repo.fullName}.git`,
    svn_url: `${p.urls.web}/${repo.fullName}`,
    default_branch: repo.defaultBranch,
    visibility: 'public',
  };
}

/** Fields GitHub's full `pull-request` has and list endpoints' `pull-request-simple` does not. */
const FULL_PULL_REQUEST_ONLY = ['merged', 'mergeable', 'rebaseable', 'mergeable_state', 'merged_by', 'comments', 'review_comments', 'maintainer_can_modify', 'commits', 'additions', 'deletions', 'changed_files'] as const;

/** A pull request as list endpoints show it (`pull-request-simple`): no `merged`, read `merged_at` instead. */
export function presentPullRequestSimple(p: Presenter, pr: PullRequestRecord): Schemas['pull-request-simple'] {
  const full: Record<string, unknown> = { ...presentPullRequest(p, pr) };
  for (const key of FULL_PULL_REQUEST_ONLY) delete full[key];
  return full as unknown as Schemas['pull-request-simple'];
}

export function presentPullRequest(p: Presenter, pr: PullRequestRecord): Schemas['pull-request'] {
  const example = exampleWebhook('pull_request', 'opened').pull_request as unknown as Schemas['pull-request'];
  const repo = p.store.repositoryById(pr.repositoryId)!;
  const headRepo = p.store.repositoryById(pr.head.repositoryId)!;
  const api = `${p.urls.api}/repos/${repo.fullName}`;
  const html = `${p.urls.web}/${repo.fullName}/pull/${pr.number}`;
  const link = (href: string) => ({ href });
  return {
    ...example,
    url: `${api}/pulls/${pr.number}`,
    id: pr.id,
    node_id: `PR_${pr.id}`,
    updated_at: pr.updatedAt,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pr.number}`,
    commits_url: `${api}/pulls/${pr.number}/commits`,
    review_comments_url: `${api}/pulls/${pr.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pr.number}/comments`,
    statuses_url: `${api}/statuses/${pr.head.sha}`,
    number: pr.number,
    state: pr.state,
    title: pr.title,
    user: presentUser(p, pr.user),
    body: null,
    labels: [],
    draft: pr.draft,
    merged: pr.merged,
    merged_at: pr.merged ? new Date().toISOString() : null,
    merge_commit_sha: pr.mergeCommitSha,
    mergeable: pr.state === 'open' ? true : null,
    auto_merge: null,
    head: { label: `${headRepo.owner.login}:${pr.head.ref}`, ref: pr.head.ref, sha: pr.head.sha, user: presentUser(p, headRepo.owner), repo: presentRepository(p, headRepo) },
    base: { label: `${repo.owner.login}:${pr.base.ref}`, ref: pr.base.ref, sha: pr.base.sha, user: presentUser(p, repo.owner), repo: presentRepository(p, repo) },
    _links: {
      self: link(`${api}/pulls/${pr.number}`),
      html: link(html),
      issue: link(`${api}/issues/${pr.number}`),
      comments: link(`${api}/issues/${pr.number}/comments`),
      review_comments: link(`${api}/pulls/${pr.number}/comments`),
      review_comment: link(`${api}/pulls/comments{/number}`),
      commits: link(`${api}/pulls/${pr.number}/commits`),
      statuses: link(`${api}/statuses/${pr.head.sha}`),
    },
  };
}

export function presentIssueComment(p: Presenter, comment: CommentRecord): Schemas['issue-comment'] {
  const repo = p.store.repositoryById(comment.repositoryId)!;
  return {
    id: comment.id,
    node_id: `IC_${comment.id}`,
    url: `${p.urls.api}/repos/${repo.fullName}/issues/comments/${comment.id}`,
    html_url: `${p.urls.web}/${repo.fullName}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${p.urls.api}/repos/${repo.fullName}/issues/${comment.issueNumber}`,
    body: comment.body,
    user: presentUser(p, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: comment.appId === null ? 'COLLABORATOR' : 'NONE',
    performed_via_github_app: comment.appId === null ? null : presentApp(p),
  };
}

export function presentReviewComment(p: Presenter, comment: ReviewCommentRecord): Schemas['pull-request-review-comment'] {
  const example = exampleWebhook('pull_request_review_comment', 'created').comment as unknown as Schemas['pull-request-review-comment'];
  const repo = p.store.repositoryById(comment.repositoryId)!;
  return {
    ...example,
    id: comment.id,
    node_id: `PRRC_${comment.id}`,
    url: `${p.urls.api}/repos/${repo.fullName}/pulls/comments/${comment.id}`,
    html_url: `${p.urls.web}/${repo.fullName}/pull/${comment.issueNumber}#discussion_r${comment.id}`,
    pull_request_url: `${p.urls.api}/repos/${repo.fullName}/pulls/${comment.issueNumber}`,
    body: comment.body,
    path: comment.path,
    line: comment.line,
    user: presentUser(p, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
  };
}

export function presentReaction(p: Presenter, reaction: ReactionRecord): Schemas['reaction'] {
  return {
    id: reaction.id,
    node_id: `REA_${reaction.id}`,
    user: presentUser(p, reaction.user),
    content: reaction.content as Schemas['reaction']['content'],
    created_at: new Date().toISOString(),
  };
}

export function presentCheckRun(p: Presenter, run: CheckRunRecord): Schemas['check-run'] {
  const repo = p.store.repositoryById(run.repositoryId)!;
  const url = `${p.urls.api}/repos/${repo.fullName}/check-runs/${run.id}`;
  // As GitHub: the open pull requests with this head, from this repository only (never those from forks).
  const pullRequests = p.store.pullRequests
    .filter((pr) => pr.repositoryId === repo.id && pr.head.repositoryId === repo.id && pr.state === 'open' && pr.head.sha === run.headSha)
    .map((pr) => ({
      id: pr.id,
      number: pr.number,
      url: `${p.urls.api}/repos/${repo.fullName}/pulls/${pr.number}`,
      head: { ref: pr.head.ref, sha: pr.head.sha, repo: { id: pr.head.repositoryId, url: '', name: repo.name } },
      base: { ref: pr.base.ref, sha: pr.base.sha, repo: { id: repo.id, url: `${p.urls.api}/repos/${repo.fullName}`, name: repo.name } },
    }));
  return {
    id: run.id,
    head_sha: run.headSha,
    node_id: `CR_${run.id}`,
    external_id: run.externalId,
    url,
    html_url: `${p.urls.web}/${repo.fullName}/runs/${run.id}`,
    details_url: run.detailsUrl,
    status: run.status,
    conclusion: run.conclusion as Schemas['check-run']['conclusion'],
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: { ...run.output, annotations_count: run.annotations.length, annotations_url: `${url}/annotations` },
    name: run.name,
    check_suite: { id: run.id + 1 },
    app: presentApp(p),
    pull_requests: pullRequests,
  };
}

export function presentDeployment(p: Presenter, d: DeploymentRecord): Schemas['deployment'] {
  const repo = p.store.repositoryById(d.repositoryId)!;
  const url = `${p.urls.api}/repos/${repo.fullName}/deployments/${d.id}`;
  return {
    url,
    id: d.id,
    node_id: `DE_${d.id}`,
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: (d.payload ?? {}) as Schemas['deployment']['payload'],
    environment: d.environment,
    original_environment: d.environment,
    description: d.description,
    creator: presentUser(p, botUser(p)),
    created_at: d.createdAt,
    updated_at: d.createdAt,
    statuses_url: `${url}/statuses`,
    repository_url: `${p.urls.api}/repos/${repo.fullName}`,
    transient_environment: d.transientEnvironment,
    production_environment: d.productionEnvironment,
    performed_via_github_app: presentApp(p),
  };
}

export function presentDeploymentStatus(p: Presenter, d: DeploymentRecord, s: DeploymentStatusRecord): Schemas['deployment-status'] {
  const repo = p.store.repositoryById(d.repositoryId)!;
  const deploymentUrl = `${p.urls.api}/repos/${repo.fullName}/deployments/${d.id}`;
  return {
    url: `${deploymentUrl}/statuses/${s.id}`,
    id: s.id,
    node_id: `DES_${s.id}`,
    state: s.state as Schemas['deployment-status']['state'],
    creator: presentUser(p, botUser(p)),
    description: s.description,
    environment: s.environment,
    // GitHub fills `target_url` from `log_url` (the older name of the same link).
    target_url: s.logUrl,
    log_url: s.logUrl,
    environment_url: s.environmentUrl,
    created_at: s.createdAt,
    updated_at: s.createdAt,
    deployment_url: deploymentUrl,
    repository_url: `${p.urls.api}/repos/${repo.fullName}`,
    performed_via_github_app: presentApp(p),
  };
}

export function presentStatus(p: Presenter, s: CommitStatusRecord): Schemas['status'] {
  const repo = p.store.repositoryById(s.repositoryId)!;
  return {
    url: `${p.urls.api}/repos/${repo.fullName}/statuses/${s.sha}`,
    avatar_url: null,
    id: s.id,
    node_id: `SC_${s.id}`,
    state: s.state,
    description: s.description,
    target_url: s.targetUrl,
    context: s.context,
    created_at: s.createdAt,
    updated_at: s.createdAt,
    creator: presentUser(p, s.creator),
  };
}
