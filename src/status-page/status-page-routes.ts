/**
 * `GET /` (every repository) and `GET /repositories/<owner>/<name>` (one), as HTML or, with `?format=json` or
 * `Accept: application/json`, as the same data in JSON. Read-only; served only when `KKP_GITOPS_STATUS_PAGE=true`
 * and meant to sit behind the ingress's authentication (docs/operations.md).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { REPOSITORY_LEASE_LABELS } from '../coordination/applied-record.js';
import type { LeaseState, LeaseStore } from '../coordination/lease-store.js';
import { describeError } from '../core/errors.js';
import type { RouteHandler } from '../observability/observability-routes.js';
import { renderOverviewHtml, renderRepositoryHtml } from './render-status-html.js';
import { buildStatusSnapshot } from './status-snapshot.js';
import type { StatusRecorder } from './status-recorder.js';

export interface StatusPageOptions {
  readonly recorder: StatusRecorder;
  /** Where the repository Leases are read (the master's `kubermatic` namespace). */
  readonly leases: Pick<LeaseStore, 'list'>;
  /** The longest wait for the Leases before the page is rendered without them. Default: 5,000 ms. */
  readonly leaseTimeoutMs?: number;
  /** Default: `Date.now`. */
  readonly now?: () => number;
}

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export function statusPageRoutes(options: StatusPageOptions): RouteHandler {
  const now = options.now ?? Date.now;
  const readLeases = async (): Promise<readonly LeaseState[] | { error: string }> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        options.leases.list(REPOSITORY_LEASE_LABELS),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${options.leaseTimeoutMs ?? 5000} ms`)), options.leaseTimeoutMs ?? 5000))),
      ]);
    } catch (error) {
      return { error: describeError(error).split('\n')[0] ?? 'unknown error' };
    } finally {
      clearTimeout(timer);
    }
  };
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = routeOf(url.pathname);
    if (!route) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS }).end('read-only page: GET only\n');
      return true;
    }
    const snapshot = buildStatusSnapshot({ recorder: options.recorder, leases: await readLeases(), now: now(), ...(route.kind === 'repository' ? { only: route.fullName } : {}) });
    const json = wantsJson(req, url);
    if (route.kind === 'overview') {
      send(res, req, 200, json ? `${JSON.stringify(snapshot, null, 2)}\n` : renderOverviewHtml(snapshot), json);
      return true;
    }
    const repository = snapshot.repositories.find((r) => r.fullName === route.fullName);
    if (!repository) {
      send(res, req, 404, json ? `${JSON.stringify({ error: 'unknown repository' })}\n` : '<!doctype html><title>not found</title><p>Unknown repository. <a href="/">All repositories</a></p>\n', json);
      return true;
    }
    send(res, req, 200, json ? `${JSON.stringify({ generatedAt: snapshot.generatedAt, replica: snapshot.replica, repository, reconciles: snapshot.reconciles.filter((r) => r.repository === repository.fullName) }, null, 2)}\n` : renderRepositoryHtml(snapshot, repository), json);
    return true;
  };
}

type Route = { kind: 'overview' } | { kind: 'repository'; fullName: string };

function routeOf(path: string): Route | undefined {
  if (path === '/') return { kind: 'overview' };
  const match = /^\/repositories\/([^/]+)\/([^/]+)\/?$/.exec(path);
  if (!match) return undefined;
  try {
    return { kind: 'repository', fullName: `${decodeURIComponent(match[1]!)}/${decodeURIComponent(match[2]!)}` };
  } catch {
    return undefined;
  }
}

function wantsJson(req: IncomingMessage, url: URL): boolean {
  const format = url.searchParams.get('format');
  if (format !== null) return format === 'json';
  const accept = req.headers.accept ?? '';
  return /application\/json/i.test(accept) && !/text\/html/i.test(accept);
}

function send(res: ServerResponse, req: IncomingMessage, status: number, body: string, json: boolean): void {
  res.writeHead(status, { 'content-type': json ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(body), ...SECURITY_HEADERS });
  res.end(req.method === 'HEAD' ? undefined : body);
}
