/**
 * A local GitHub API server for integration tests (node:http). It answers the REST routes the app uses under
 * `/api/v3` (as GitHub Enterprise Server does, so Probot reaches it with `GHE_HOST`/`GHE_PROTOCOL=http` or a
 * `baseUrl`), serves the test repositories over Git's smart HTTP protocol with the real `git http-backend`,
 * mints installation tokens for the app's JWT, enforces GitHub's limits, and records every request.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppCredentials, verifyAppJwt, type AppCredentials } from './app-credentials.js';
import { serveGit } from './git-http-backend.js';
import { forbidden, HttpError, notFound, readBody, unauthorized, writeJson } from './http-json.js';
import type { Presenter, ServerUrls } from './present.js';
import { compilePath, type AppPermissions, type Route, type RouteContext } from './route.js';
import { appRoutes } from './routes/app-routes.js';
import { checkRoutes } from './routes/check-routes.js';
import { issueRoutes } from './routes/issue-routes.js';
import { pullRoutes } from './routes/pull-routes.js';
import { repoRoutes } from './routes/repo-routes.js';
import { GitHubStore, type Permission, type PullRequestRecord, type RepositoryRecord, type TokenRecord } from './store.js';

export interface RecordedRequest {
  readonly method: string;
  /** Path without the `/api/v3` prefix and without the query (`/repos/acme/kkp/check-runs`); Git requests keep theirs. */
  readonly path: string;
  /** The route template that answered (`/repos/{owner}/{repo}/check-runs`), `git` for Git, or `unmatched`. */
  readonly route: string;
  readonly query: string;
  readonly body: unknown;
  readonly status: number;
  /** The JSON the server answered (undefined for Git and empty answers). */
  readonly responseBody?: unknown;
  readonly auth: 'app' | 'installation' | 'basic' | 'none';
  /** Milliseconds since the epoch when the request arrived. */
  readonly time: number;
}

export interface Fault {
  readonly method?: string;
  /** Matched against the recorded path. Default: every API request. */
  readonly path?: RegExp;
  /** `bad-gateway`: 502; `secondary-rate-limit`: 403 with `retry-after`, as GitHub's abuse detection. */
  readonly kind: 'bad-gateway' | 'secondary-rate-limit';
  /** How many matching requests fail. Default: 1. */
  times?: number;
  /** For `secondary-rate-limit`. Default: 1. */
  readonly retryAfterSeconds?: number;
}

export interface GitHubServerOptions {
  /** The app's declared permissions; calls beyond them get GitHub's 403. Default: every permission the server knows, at write. */
  readonly permissions?: AppPermissions;
  readonly credentials?: AppCredentials;
}

export interface AddRepositoryOptions {
  readonly owner: string;
  readonly name: string;
  /** Default: `main`. */
  readonly defaultBranch?: string;
  /** The installation of the app that covers it. Default: one installation per owner. */
  readonly installationId?: number;
  /** Make it a fork of this repository. */
  readonly forkOf?: RepositoryRecord;
}

export interface OpenPullRequestOptions {
  readonly repository: RepositoryRecord;
  /** The branch with the changes, in `headRepository` (default: the same repository). */
  readonly headRef: string;
  readonly headRepository?: RepositoryRecord;
  /** Default: the repository's default branch. */
  readonly baseRef?: string;
  /** Author login. Default: `octocat`. */
  readonly user?: string;
  readonly title?: string;
  readonly draft?: boolean;
}

export interface GitHubServer {
  /** `http://127.0.0.1:<port>` (web and Git). */
  readonly url: string;
  /** `http://127.0.0.1:<port>/api/v3`: Probot's `baseUrl`. */
  readonly apiUrl: string;
  /** `127.0.0.1:<port>`: `GHE_HOST`. */
  readonly host: string;
  readonly app: AppCredentials;
  readonly store: GitHubStore;
  readonly requests: RecordedRequest[];
  /** Creates an empty bare repository served at `<url>/<owner>/<name>.git`; returns it (push to `gitDir`). */
  addRepository(options: AddRepositoryOptions): RepositoryRecord;
  /** Makes `login` a collaborator with a base permission and, optionally, a custom repository role based on it. */
  setPermission(repository: RepositoryRecord, login: string, permission: Permission, roleName?: string): void;
  /** Opens a pull request from a branch already pushed to the head repository; creates `refs/pull/<n>/head`. */
  openPullRequest(options: OpenPullRequestOptions): PullRequestRecord;
  /** Re-reads the head branch after a push (a `synchronize`) and moves `refs/pull/<n>/head`. */
  refreshPullRequest(pr: PullRequestRecord): PullRequestRecord;
  /** Marks it merged into `mergeCommitSha` (the test pushed that commit to the base branch). */
  markMerged(pr: PullRequestRecord, mergeCommitSha: string): void;
  /** The SHA a branch points at in a repository. */
  branchSha(repository: RepositoryRecord, branch: string): string;
  injectFault(fault: Fault): void;
  /** API requests that change something (not GET, not token minting), since an index into `requests`. */
  writes(since?: number): RecordedRequest[];
  stop(): Promise<void>;
}

const API_PREFIX = '/api/v3';
const ALL_PERMISSIONS: AppPermissions = { checks: 'write', contents: 'write', deployments: 'write', issues: 'write', metadata: 'read', pull_requests: 'write', statuses: 'write' };

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export async function startGitHubServer(options: GitHubServerOptions = {}): Promise<GitHubServer> {
  const app = options.credentials ?? createAppCredentials();
  const permissions = options.permissions ?? ALL_PERMISSIONS;
  const store = new GitHubStore();
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const root = mkdtempSync(join(tmpdir(), 'kkp-github-server-'));
  const compiled = [...appRoutes, ...checkRoutes, ...issueRoutes, ...pullRoutes, ...repoRoutes].map((route) => ({ route, ...compilePath(route.path) }));
  const urls: { api: string; web: string } = { api: '', web: '' };
  const presenter: Presenter = { urls: urls as ServerUrls, store, app };

  function installationToken(value: string): TokenRecord {
    const token = store.tokens.get(value);
    if (!token || token.expiresAt <= Date.now()) throw unauthorized();
    return token;
  }

  function authOf(req: IncomingMessage): { kind: RecordedRequest['auth']; value: string } {
    const header = req.headers.authorization ?? '';
    const [scheme = '', value = ''] = header.split(/\s+/, 2);
    if (/^basic$/i.test(scheme)) return { kind: 'basic', value: Buffer.from(value, 'base64').toString('utf8').split(':').slice(1).join(':') };
    if (/^(bearer|token)$/i.test(scheme)) return { kind: value.split('.').length === 3 ? 'app' : 'installation', value };
    return { kind: 'none', value: '' };
  }

  /** Answers an API request; `matched.route` names the route as soon as one matches (an error answer keeps it). */
  async function handleApi(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, body: unknown, auth: ReturnType<typeof authOf>, matched: { route: string }): Promise<{ status: number; route: string; responseBody: unknown }> {
    const method = req.method ?? 'GET';
    const match = compiled.map((c) => ({ c, m: c.route.method === method ? c.regex.exec(path) : null })).find((x) => x.m);
    if (!match || !match.m) throw notFound();
    const route: Route = match.c.route;
    matched.route = route.path;
    const params: Record<string, string> = {};
    match.c.names.forEach((name, i) => (params[name] = decodeURIComponent(match.m![i + 1]!)));
    let installationId: number | undefined;
    if (route.auth === 'app') {
      if (auth.kind !== 'app') throw unauthorized('A JSON web token could not be decoded');
      verifyAppJwt(auth.value, app, Math.floor(Date.now() / 1000));
    } else {
      if (auth.kind !== 'installation') throw unauthorized('Requires authentication');
      installationId = installationToken(auth.value).installationId;
    }
    let repository: RepositoryRecord | undefined;
    if (params['owner'] !== undefined && params['repo'] !== undefined) {
      repository = store.repository(params['owner'], params['repo']);
      // A repository outside the token's installation does not exist for the caller.
      if (!repository || (installationId !== undefined && repository.installationId !== installationId)) throw notFound();
    }
    if (route.permission) {
      const [name, level] = route.permission;
      const granted = permissions[name];
      if (!granted || (level === 'write' && granted !== 'write')) throw forbidden();
    }
    const ctx: RouteContext & { requestPath: string } = { ...presenter, params, query, body, repository, installationId, now: () => new Date(), permissions, requestPath: path };
    const response = await route.handle(ctx);
    writeJson(res, response);
    return { status: response.status, route: route.path, responseBody: response.body };
  }

  function fault(method: string, path: string): Fault | undefined {
    const found = faults.find((f) => (f.method === undefined || f.method === method) && (f.path === undefined || f.path.test(path)) && (f.times ?? 1) > 0);
    if (found) found.times = (found.times ?? 1) - 1;
    return found;
  }

  const server = createServer(async (req, res) => {
    const time = Date.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const auth = authOf(req);
    const method = req.method ?? 'GET';
    const gitMatch = /^\/([^/]+)\/([^/]+?\.git)(\/.*)$/.exec(url.pathname);
    if (gitMatch && !url.pathname.startsWith(API_PREFIX)) {
      let status = 401;
      try {
        const [, owner = '', repoGit = '', rest = ''] = gitMatch;
        const repository = store.repository(owner, repoGit.replace(/\.git$/, ''));
        const token = auth.kind === 'basic' ? store.tokens.get(auth.value) : undefined;
        if (!token || token.expiresAt <= Date.now()) {
          res.writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"' }).end();
        } else if (!repository || repository.installationId !== token.installationId) {
          status = 404;
          res.writeHead(404).end('Repository not found.\n');
        } else if (rest.includes('receive-pack') || url.searchParams.get('service') === 'git-receive-pack') {
          status = 403;
          res.writeHead(403).end('Write access to repository not granted.\n');
        } else {
          status = await serveGit({ req, res, pathInfo: `/${repository.fullName}.git${rest}`, query: url.search.slice(1), projectRoot: root, remoteUser: 'x-access-token' });
        }
      } catch (error) {
        status = 500;
        if (!res.headersSent) res.writeHead(500).end(String(error));
      }
      requests.push({ method, path: url.pathname, route: 'git', query: url.search, body: undefined, status, auth: auth.kind, time });
      return;
    }
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
    } catch {
      body = raw.toString('utf8');
    }
    const path = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) || '/' : url.pathname;
    let status = 500;
    const matched = { route: 'unmatched' };
    let route = 'unmatched';
    let responseBody: unknown;
    try {
      if (!url.pathname.startsWith(API_PREFIX)) throw notFound();
      const injected = fault(method, path);
      if (injected?.kind === 'bad-gateway') {
        status = 502;
        writeJson(res, { status, body: { message: 'Server Error' } });
      } else if (injected?.kind === 'secondary-rate-limit') {
        status = 403;
        writeJson(res, {
          status,
          headers: { 'retry-after': String(injected.retryAfterSeconds ?? 1) },
          body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits' },
        });
      } else {
        ({ status, route, responseBody } = await handleApi(req, res, path, url.searchParams, body, auth, matched));
      }
    } catch (error) {
      route = matched.route;
      if (error instanceof HttpError) {
        status = error.status;
        responseBody = error.body;
        writeJson(res, { status: error.status, body: error.body, headers: error.headers });
      } else {
        status = 500;
        writeJson(res, { status: 500, body: { message: error instanceof Error ? error.message : String(error) } });
      }
    }
    requests.push({ method, path, route, query: url.search, body, status, ...(responseBody !== undefined ? { responseBody } : {}), auth: auth.kind, time });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  urls.web = `http://127.0.0.1:${port}`;
  urls.api = `${urls.web}${API_PREFIX}`;

  function headSha(repository: RepositoryRecord, ref: string): string {
    return git(repository.gitDir, 'rev-parse', `refs/heads/${ref}^{commit}`);
  }

  function movePullRef(pr: PullRequestRecord): void {
    const base = store.repositoryById(pr.repositoryId)!;
    const head = store.repositoryById(pr.head.repositoryId)!;
    // GitHub keeps every pull request's head, forks included, as refs/pull/<n>/head in the base repository.
    git(base.gitDir, 'fetch', '--quiet', head.gitDir, `+refs/heads/${pr.head.ref}:refs/pull/${pr.number}/head`);
  }

  return {
    url: urls.web,
    apiUrl: urls.api,
    host: `127.0.0.1:${port}`,
    app,
    store,
    requests,
    addRepository({ owner, name, defaultBranch = 'main', installationId, forkOf }) {
      const ownerUser = store.user(owner, 'Organization');
      let installation = installationId ?? [...store.installations.values()].find((i) => i.account.login === owner)?.id;
      if (installation === undefined) installation = store.nextId();
      if (!store.installations.has(installation)) store.installations.set(installation, { id: installation, account: ownerUser });
      const gitDir = join(root, owner, `${name}.git`);
      mkdirSync(gitDir, { recursive: true });
      git(gitDir, 'init', '--quiet', '--bare', `--initial-branch=${defaultBranch}`);
      const repository: RepositoryRecord = {
        id: store.nextId(),
        owner: ownerUser,
        name,
        fullName: `${owner}/${name}`,
        defaultBranch,
        installationId: installation,
        gitDir,
        collaborators: new Map(),
        ...(forkOf ? { parentId: forkOf.id } : {}),
      };
      store.repositories.push(repository);
      return repository;
    },
    setPermission(repository, login, permission, roleName) {
      store.user(login);
      repository.collaborators.set(login, { permission, ...(roleName !== undefined ? { roleName } : {}) });
    },
    openPullRequest({ repository, headRef, headRepository = repository, baseRef = repository.defaultBranch, user = 'octocat', title = `Change ${headRef}` }) {
      const pr: PullRequestRecord = {
        id: store.nextId(),
        repositoryId: repository.id,
        number: store.nextNumber(repository.id),
        title,
        state: 'open',
        draft: false,
        merged: false,
        mergeCommitSha: null,
        user: store.user(user),
        head: { ref: headRef, sha: headSha(headRepository, headRef), repositoryId: headRepository.id },
        base: { ref: baseRef, sha: headSha(repository, baseRef) },
        updatedAt: new Date().toISOString(),
      };
      store.pullRequests.push(pr);
      movePullRef(pr);
      return pr;
    },
    refreshPullRequest(pr) {
      const before = pr.head.sha;
      pr.head.sha = headSha(store.repositoryById(pr.head.repositoryId)!, pr.head.ref);
      if (pr.head.sha !== before) pr.updatedAt = new Date(Math.max(Date.now(), Date.parse(pr.updatedAt) + 1)).toISOString();
      pr.base.sha = headSha(store.repositoryById(pr.repositoryId)!, pr.base.ref);
      movePullRef(pr);
      return pr;
    },
    markMerged(pr, mergeCommitSha) {
      pr.state = 'closed';
      pr.merged = true;
      pr.mergeCommitSha = mergeCommitSha;
    },
    branchSha: headSha,
    injectFault(f) {
      faults.push({ ...f });
    },
    writes(since = 0) {
      return requests.slice(since).filter((r) => r.route !== 'git' && r.method !== 'GET' && r.route !== '/app/installations/{installation_id}/access_tokens');
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}
