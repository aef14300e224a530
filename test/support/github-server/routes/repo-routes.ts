/** Repository routes: collaborator permission, branches, deployments and their statuses, commit statuses. */
import { execFileSync } from 'node:child_process';
import type { components } from '@octokit/openapi-types';
import { notFound, validationFailed } from '../http-json.js';
import { GITHUB_LIMITS } from '../limits.js';
import { botUser, presentDeployment, presentDeploymentStatus, presentRepository, presentStatus, presentUser } from '../present.js';
import type { RequestBody, Route, RouteContext } from '../route.js';
import { numberParam, repositoryOf } from '../route.js';
import type { CommitStatusRecord, DeploymentRecord } from '../store.js';
import { paginate } from './paginate.js';

const DEPLOYMENT_STATES = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];
const COMMIT_STATES = ['error', 'failure', 'pending', 'success'];

function checkDescription(resource: string, description: unknown): void {
  if (typeof description === 'string' && description.length > GITHUB_LIMITS.statusDescription) {
    throw validationFailed(resource, 'description', 'custom', `description is too long (maximum is ${GITHUB_LIMITS.statusDescription} characters)`);
  }
}

/** Whether the default branch has commits `ref` lacks (GitHub would auto-merge them before deploying). */
function behindDefaultBranch(gitDir: string, ref: string, defaultBranch: string): boolean {
  try {
    execFileSync('git', ['merge-base', '--is-ancestor', `refs/heads/${defaultBranch}`, ref], { cwd: gitDir, stdio: 'ignore' });
    return false;
  } catch {
    return true;
  }
}

function findDeployment(ctx: RouteContext): DeploymentRecord {
  const deployment = ctx.store.deployments.find((d) => d.id === numberParam(ctx, 'deployment_id') && d.repositoryId === repositoryOf(ctx).id);
  if (!deployment) throw notFound();
  return deployment;
}

export const repoRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}',
    auth: 'installation',
    permission: ['metadata', 'read'],
    // A full-repository: the repository's fields and the counts GitHub adds for a single repository.
    handle: (ctx) => ({ status: 200, body: { has_discussions: false, ...presentRepository(ctx, repositoryOf(ctx)), network_count: 0, subscribers_count: 0 } }),
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/collaborators/{username}/permission',
    auth: 'installation',
    permission: ['metadata', 'read'],
    handle: (ctx) => {
      const repo = repositoryOf(ctx);
      const login = ctx.params['username']!;
      const user = ctx.store.users.get(login);
      // GitHub answers 404 for someone who is not a user, and for someone who is no collaborator of the repository.
      const collaborator = repo.collaborators.get(login);
      if (!user || !collaborator) throw notFound();
      const { permission } = collaborator;
      // `permission` is the legacy base permission (maintain reads as write, triage as read); `role_name` is the role
      // itself, a custom role's own name for a custom role.
      const legacy = permission === 'maintain' ? 'write' : permission === 'triage' ? 'read' : permission;
      const roleName = collaborator.roleName ?? permission;
      const body: components['schemas']['repository-collaborator-permission'] = {
        permission: legacy,
        role_name: roleName,
        user: { ...presentUser(ctx, user), permissions: { admin: permission === 'admin', maintain: permission === 'maintain', push: ['admin', 'maintain', 'write'].includes(permission), triage: !['read', 'none'].includes(permission), pull: permission !== 'none' }, role_name: roleName },
      };
      return { status: 200, body };
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/branches/{branch}',
    auth: 'installation',
    permission: ['contents', 'read'],
    handle: (ctx) => {
      const repo = repositoryOf(ctx);
      const branch = ctx.params['branch']!;
      let sha: string;
      try {
        sha = execFileSync('git', ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], { cwd: repo.gitDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      } catch {
        throw notFound();
      }
      const self = `${ctx.urls.api}/repos/${repo.fullName}/branches/${branch}`;
      const commitUrl = `${ctx.urls.api}/repos/${repo.fullName}/commits/${sha}`;
      const [tree = '', message = '', ...parents] = execFileSync('git', ['show', '-s', '--format=%T%n%s%n%P', sha], { cwd: repo.gitDir, encoding: 'utf8' }).trim().split('\n').flatMap((line, i) => (i === 2 ? line.split(' ').filter((p) => p !== '') : [line]));
      const body: components['schemas']['branch-with-protection'] = {
        name: branch,
        commit: {
          sha,
          node_id: `C_${sha}`,
          url: commitUrl,
          html_url: `${ctx.urls.web}/${repo.fullName}/commit/${sha}`,
          comments_url: `${commitUrl}/comments`,
          commit: { url: `${ctx.urls.api}/repos/${repo.fullName}/git/commits/${sha}`, message, comment_count: 0, author: null, committer: null, tree: { sha: tree, url: `${ctx.urls.api}/repos/${repo.fullName}/git/trees/${tree}` } },
          author: null,
          committer: null,
          parents: parents.map((parent) => ({ sha: parent, url: `${ctx.urls.api}/repos/${repo.fullName}/commits/${parent}` })),
        },
        _links: { html: `${ctx.urls.web}/${repo.fullName}/tree/${branch}`, self },
        protected: false,
        protection: { enabled: false },
        protection_url: `${self}/protection`,
      };
      return { status: 200, body };
    },
  },
  {
    method: 'POST',
    path: '/repos/{owner}/{repo}/deployments',
    auth: 'installation',
    permission: ['deployments', 'write'],
    handle: (ctx) => {
      const body = ctx.body as RequestBody<'repos/create-deployment'>;
      if (!body || typeof body.ref !== 'string') throw validationFailed('Deployment', 'ref', 'missing_field');
      checkDescription('Deployment', body.description);
      const repo = repositoryOf(ctx);
      // GitHub's checks before creating: the required contexts (default: every context of the ref) must be
      // successful (409), and with auto_merge (default true) a ref behind the default branch is merged first (202,
      // a message and no deployment; this server never merges, it only answers as GitHub does).
      const latest = new Map<string, string>();
      for (const status of ctx.store.statuses) if (status.repositoryId === repo.id && status.sha === body.ref) latest.set(status.context, status.state);
      const required = body.required_contexts ?? [...latest.keys()];
      const failing = required.filter((context) => latest.get(context) !== 'success');
      if (failing.length > 0) {
        return { status: 409, body: { message: `Conflict: Commit status checks failed for ${body.ref}.`, errors: failing.map((context) => ({ contexts: [{ context, state: latest.get(context) ?? 'missing' }], resource: 'Deployment', field: 'required_contexts' })), documentation_url: 'https://docs.github.com/rest/deployments/deployments#create-a-deployment' } };
      }
      if ((body.auto_merge ?? true) && behindDefaultBranch(repo.gitDir, body.ref, repo.defaultBranch)) {
        return { status: 202, body: { message: `Auto-merged ${repo.defaultBranch} into ${body.ref} on deployment.` } };
      }
      const deployment: DeploymentRecord = {
        id: ctx.store.nextId(),
        repositoryId: repositoryOf(ctx).id,
        sha: /^[0-9a-f]{40}$/.test(body.ref) ? body.ref : body.ref,
        ref: body.ref,
        task: body.task ?? 'deploy',
        environment: body.environment ?? 'production',
        description: body.description ?? null,
        payload: body.payload ?? {},
        productionEnvironment: body.production_environment ?? (body.environment ?? 'production') === 'production',
        transientEnvironment: body.transient_environment ?? false,
        createdAt: ctx.now().toISOString(),
        statuses: [],
      };
      ctx.store.deployments.push(deployment);
      return { status: 201, body: presentDeployment(ctx, deployment) };
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/deployments',
    auth: 'installation',
    permission: ['deployments', 'read'],
    handle: (ctx) => {
      const env = ctx.query.get('environment');
      const sha = ctx.query.get('sha');
      const list = ctx.store.deployments.filter((d) => d.repositoryId === repositoryOf(ctx).id && (!env || d.environment === env) && (!sha || d.sha === sha)).reverse();
      return paginate(ctx, list, (d) => presentDeployment(ctx, d));
    },
  },
  {
    method: 'POST',
    path: '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
    auth: 'installation',
    permission: ['deployments', 'write'],
    handle: (ctx) => {
      const deployment = findDeployment(ctx);
      const body = ctx.body as RequestBody<'repos/create-deployment-status'>;
      if (!body || !DEPLOYMENT_STATES.includes(body.state)) throw validationFailed('DeploymentStatus', 'state', 'invalid');
      checkDescription('DeploymentStatus', body.description);
      const status = { id: ctx.store.nextId(), state: body.state, description: body.description ?? '', environment: body.environment ?? deployment.environment, logUrl: body.log_url ?? '', environmentUrl: body.environment_url ?? '', createdAt: ctx.now().toISOString() };
      deployment.statuses.push(status);
      return { status: 201, body: presentDeploymentStatus(ctx, deployment, status) };
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
    auth: 'installation',
    permission: ['deployments', 'read'],
    handle: (ctx) => {
      const deployment = findDeployment(ctx);
      return paginate(ctx, [...deployment.statuses].reverse(), (s) => presentDeploymentStatus(ctx, deployment, s));
    },
  },
  {
    method: 'POST',
    path: '/repos/{owner}/{repo}/statuses/{sha}',
    auth: 'installation',
    permission: ['statuses', 'write'],
    handle: (ctx) => {
      const body = ctx.body as RequestBody<'repos/create-commit-status'>;
      const sha = ctx.params['sha']!;
      if (!/^[0-9a-f]{40}$/.test(sha)) throw validationFailed('Status', 'sha', 'invalid');
      if (!body || !COMMIT_STATES.includes(body.state)) throw validationFailed('Status', 'state', 'invalid');
      checkDescription('Status', body.description);
      const status: CommitStatusRecord = {
        id: ctx.store.nextId(),
        repositoryId: repositoryOf(ctx).id,
        sha,
        state: body.state,
        context: body.context ?? 'default',
        description: body.description ?? null,
        targetUrl: body.target_url ?? null,
        creator: botUser(ctx),
        createdAt: ctx.now().toISOString(),
      };
      ctx.store.statuses.push(status);
      return { status: 201, body: presentStatus(ctx, status) };
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/commits/{ref}/statuses',
    auth: 'installation',
    permission: ['statuses', 'read'],
    handle: (ctx) => {
      const list = ctx.store.statuses.filter((s) => s.repositoryId === repositoryOf(ctx).id && s.sha === ctx.params['ref']).reverse();
      return paginate(ctx, list, (s) => presentStatus(ctx, s));
    },
  },
];
