/** A REST route of the local GitHub API server, typed from GitHub's published API. */
import type { operations } from '@octokit/openapi-types';
import type { RouteResponse } from './http-json.js';
import type { Presenter } from './present.js';
import type { RepositoryRecord } from './store.js';

/** The JSON request body of a GitHub REST operation (`RequestBody<'checks/create'>`). */
export type RequestBody<Op extends keyof operations> = operations[Op] extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

export type PermissionName = 'checks' | 'contents' | 'deployments' | 'issues' | 'metadata' | 'pull_requests' | 'statuses';
export type AppPermissions = Readonly<Partial<Record<PermissionName, 'read' | 'write'>>>;

export interface RouteContext extends Presenter {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: unknown;
  /** The repository named by `{owner}/{repo}`, when the route has them (already checked against the token). */
  readonly repository: RepositoryRecord | undefined;
  /** The installation the token belongs to (installation routes). */
  readonly installationId: number | undefined;
  readonly now: () => Date;
  /** The app's declared permissions (what its tokens carry). */
  readonly permissions: AppPermissions;
  /** The request path without `/api/v3`, for pagination links. */
  readonly requestPath: string;
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** GitHub's path template, e.g. `/repos/{owner}/{repo}/check-runs/{check_run_id}`. */
  readonly path: string;
  /** `app`: the app JWT (Bearer); `installation`: an installation access token. */
  readonly auth: 'app' | 'installation';
  /** The app permission the route needs; the call gets a 403 when the app does not declare it. */
  readonly permission?: readonly [PermissionName, 'read' | 'write'];
  readonly handle: (ctx: RouteContext) => RouteResponse | Promise<RouteResponse>;
}

export function compilePath(path: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const source = path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { regex: new RegExp(`^${source}$`), names };
}

/** The repository's record from the context (routes under `/repos/{owner}/{repo}` always have one). */
export function repositoryOf(ctx: RouteContext): RepositoryRecord {
  if (!ctx.repository) throw new Error(`route without a repository: ${JSON.stringify(ctx.params)}`);
  return ctx.repository;
}

export function numberParam(ctx: RouteContext, name: string): number {
  return Number(ctx.params[name]);
}
