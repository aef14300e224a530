/**
 * GitHub calls retried through the shared helper (`retry.ts`). `gitHubFailure` sorts an Octokit error into
 * - `rate-limited`: 429, or 403 with `retry-after` (secondary limit) or `x-ratelimit-remaining: 0` (primary limit);
 *   GitHub did not handle the request, the wait is GitHub's;
 * - `refused`: the connection was refused; GitHub never saw the request;
 * - `unavailable`: 500, 502, 503, 504 or a reset connection; GitHub may or may not have handled it;
 * - `permanent`: anything else (4xx, programming errors).
 * `retryingGitHub` wraps the GitHub port: reads and idempotent writes (updates, statuses, reactions) are retried on
 * every transient failure; creates are retried at once only when GitHub surely did not handle them, and after an
 * `unavailable` answer first look for what the failed call may have made (a comment with the same body, an
 * unfinished check run of the same name on the commit), so that a retried write is never duplicated.
 */
import { connectionFailure, parseRetryAfter, retry, type RetryOptions, type Transience } from '../shared/retry.js';
import type { GitHubRepository } from './github-repository.js';

export type GitHubFailure = { readonly kind: 'rate-limited' | 'refused' | 'unavailable'; readonly afterMs?: number } | { readonly kind: 'permanent' };

/** What `retryingGitHub` uses unless told otherwise: 5 tries, 200 ms doubling to 5 s with full jitter, waits of up to 60 s. */
export const GITHUB_RETRY_POLICY = Object.freeze({ attempts: 5, baseDelayMs: 200, maxDelayMs: 5_000, maxRetryAfterMs: 60_000 });

interface OctokitLikeError {
  readonly status?: unknown;
  readonly response?: { readonly headers?: Record<string, unknown> };
}

export function gitHubFailure(error: unknown, now: number = Date.now()): GitHubFailure {
  const broken = connectionFailure(error);
  if (broken === 'ECONNREFUSED') return { kind: 'refused' };
  if (broken !== undefined) return { kind: 'unavailable' };
  if (typeof error !== 'object' || error === null) return { kind: 'permanent' };
  const { status, response } = error as OctokitLikeError;
  const headers = response?.headers ?? {};
  const header = (name: string) => (typeof headers[name] === 'string' || typeof headers[name] === 'number' ? String(headers[name]) : undefined);
  const retryAfter = parseRetryAfter(header('retry-after'), now);
  if (status === 429 || (status === 403 && retryAfter !== undefined)) return { kind: 'rate-limited', ...(retryAfter !== undefined ? { afterMs: retryAfter } : {}) };
  if (status === 403 && header('x-ratelimit-remaining') === '0') {
    const reset = Number(header('x-ratelimit-reset'));
    return { kind: 'rate-limited', ...(Number.isFinite(reset) ? { afterMs: Math.max(0, reset * 1000 - now) } : {}) };
  }
  if (status === 500 || status === 502 || status === 503 || status === 504) return { kind: 'unavailable', ...(retryAfter !== undefined ? { afterMs: retryAfter } : {}) };
  return { kind: 'permanent' };
}

/** For requests that may be repeated: every transient failure. */
export function idempotentTransience(error: unknown): Transience {
  const failure = gitHubFailure(error);
  return failure.kind === 'permanent' ? { retry: false } : { retry: true, ...(failure.afterMs !== undefined ? { afterMs: failure.afterMs } : {}) };
}

export interface RetryingGitHubOptions extends Omit<RetryOptions, 'onRetry'> {
  /** Told about each retry: the port's method, the error and the wait. Default: nothing. */
  readonly log?: (method: string, error: unknown, delayMs: number) => void;
}

/** Methods that may be repeated without harm: every transient failure is retried. */
const IDEMPOTENT: ReadonlySet<string> = new Set<keyof GitHubRepository>([
  'token',
  'checkRunsOf',
  'updateCheckRun',
  'listComments',
  'updateComment',
  'deleteComment',
  'react',
  'permission',
  'pullRequest',
  'openPullRequests',
  'pullRequestsOfCommit',
  'setDeploymentStatus',
  'setCommitStatus',
  'commitStatuses',
]);

/** Retries only failures GitHub surely did not handle: safe for any call. */
function unhandledTransience(error: unknown): Transience {
  const failure = gitHubFailure(error);
  return failure.kind === 'rate-limited' || failure.kind === 'refused' ? { retry: true, ...(failure.afterMs !== undefined ? { afterMs: failure.afterMs } : {}) } : { retry: false };
}

/**
 * The port with bounded retries (see the file comment). Methods it does not know (added to the port later) are
 * retried only on failures GitHub did not handle, which is safe whatever they do.
 */
export function retryingGitHub(github: GitHubRepository, options: RetryingGitHubOptions = {}): GitHubRepository {
  const { log, ...rest } = options;
  const policy = (method: string): RetryOptions => ({ ...GITHUB_RETRY_POLICY, ...rest, ...(log ? { onRetry: (e) => log(method, e.error, e.delayMs) } : {}) });
  const wrapped: Record<string, unknown> = { ...github };
  for (const [method, value] of Object.entries(github)) {
    if (typeof value !== 'function') continue;
    const original = value as (...args: unknown[]) => Promise<unknown>;
    const classify = IDEMPOTENT.has(method) ? idempotentTransience : unhandledTransience;
    wrapped[method] = (...args: unknown[]) => retry(() => original.apply(github, args), classify, policy(method));
  }

  /** Retries a create; after an `unavailable` answer, `find` looks for what the failed try made before trying again. */
  function create<T>(method: string, make: () => Promise<T>, find: () => Promise<T | undefined>): Promise<T> {
    let uncertain = false;
    return retry(
      async () => {
        if (uncertain) {
          const made = await find();
          if (made !== undefined) return made;
        }
        return make();
      },
      (error) => {
        const failure = gitHubFailure(error);
        if (failure.kind === 'permanent') return { retry: false };
        if (failure.kind === 'unavailable') uncertain = true;
        return { retry: true, ...(failure.afterMs !== undefined ? { afterMs: failure.afterMs } : {}) };
      },
      policy(method),
    );
  }

  return {
    ...(wrapped as unknown as GitHubRepository),
    createComment(issueNumber, body) {
      return create(
        'createComment',
        () => github.createComment(issueNumber, body),
        async () => (await github.listComments(issueNumber)).filter((c) => c.byBot && c.body === body).at(-1)?.id,
      );
    },
    createCheckRun(headSha, name, update) {
      return create(
        'createCheckRun',
        () => github.createCheckRun(headSha, name, update),
        // Work for one repository runs one job at a time: an unfinished run of this name on this commit is ours.
        async () => {
          const made = (await github.checkRunsOf(headSha, name)).find((r) => r.status !== 'completed');
          if (made) await github.updateCheckRun(made.id, update);
          return made?.id;
        },
      );
    },
    createDeployment(sha, environment, description) {
      return create(
        'createDeployment',
        () => github.createDeployment(sha, environment, description),
        // The deployment a lost answer made is the newest of this commit and environment, still without a status.
        async () => {
          const candidates = (await github.deploymentsOf(sha)).filter((d) => d.environment === environment).sort((a, b) => b.id - a.id);
          const newest = candidates[0];
          return newest !== undefined && (await github.deploymentState(newest.id)) === undefined ? newest.id : undefined;
        },
      );
    },
  };
}
