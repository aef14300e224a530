/** Pull requests: get one, list, and the pull requests associated with a commit. */
import { notFound } from '../http-json.js';
import { presentPullRequest, presentPullRequestSimple } from '../present.js';
import type { Route } from '../route.js';
import { numberParam, repositoryOf } from '../route.js';
import { paginate } from './paginate.js';

export const pullRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/pulls/{pull_number}',
    auth: 'installation',
    permission: ['pull_requests', 'read'],
    handle: (ctx) => {
      const pr = ctx.store.pullRequest(repositoryOf(ctx).id, numberParam(ctx, 'pull_number'));
      if (!pr) throw notFound();
      return { status: 200, body: presentPullRequest(ctx, pr) };
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/pulls',
    auth: 'installation',
    permission: ['pull_requests', 'read'],
    handle: (ctx) => {
      const state = ctx.query.get('state') ?? 'open';
      const pulls = ctx.store.pullRequests.filter((p) => p.repositoryId === repositoryOf(ctx).id && (state === 'all' || p.state === state));
      return paginate(ctx, pulls, (p) => presentPullRequestSimple(ctx, p));
    },
  },
  {
    // GitHub lists merged pull requests whose merge commit (or head) is this commit, and open ones containing it.
    method: 'GET',
    path: '/repos/{owner}/{repo}/commits/{commit_sha}/pulls',
    auth: 'installation',
    permission: ['pull_requests', 'read'],
    handle: (ctx) => {
      const sha = ctx.params['commit_sha'];
      const pulls = ctx.store.pullRequests.filter((p) => p.repositoryId === repositoryOf(ctx).id && (p.mergeCommitSha === sha || p.head.sha === sha));
      return paginate(ctx, pulls, (p) => presentPullRequestSimple(ctx, p));
    },
  },
];
