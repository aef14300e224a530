import { ApiException } from '@kubernetes/client-node';
import { ApiRequestError, type ApiErrorCause } from '../core/apply/api-request-error.js';
import { ClusterUnreachableError } from '../core/errors.js';
import { isRequestTimeout } from './request-timeout.js';
import { connectionFailure, NOT_TRANSIENT, parseRetryAfter, retry, TRANSIENT, type RetryOptions, type Transience } from '../shared/retry.js';

export interface CallOptions {
  /** Tries after the first; shorthand for `retry.attempts - 1`. Default: 5. */
  readonly retries?: number;
  /** Backoff, jitter, clock. Default: up to 6 tries, 50 ms doubling to at most 2 s, full jitter; `Retry-After` up to 10 s. */
  readonly retry?: RetryOptions;
  /**
   * The request may be repeated without harm (GET, list, server-side apply, a delete whose repetition answers 404):
   * then 500, 502, 504 and broken connections are retried too, not only 429 and 503 (which say the request was not
   * handled). Pass false for a create or an update with a resourceVersion precondition. Default: true.
   */
  readonly idempotent?: boolean;
  /** The request timeout the client was given, for the message when a request runs out of it. */
  readonly timeoutSeconds?: number;
}

/** What the Kubernetes adapter uses unless told otherwise. */
export const KUBE_RETRY_POLICY = Object.freeze({ attempts: 6, baseDelayMs: 50, maxDelayMs: 2_000, maxRetryAfterMs: 10_000 });

/**
 * Runs one client-node call. A connection failure becomes `ClusterUnreachableError`; an error Status becomes
 * `ApiRequestError` with its code, reason and causes. Transient failures are retried (see `kubeTransience`) with
 * backoff and full jitter, honouring `Retry-After`. Bodies are never quoted in errors.
 * `what` names the request for messages (`list seeds`, `apply`) and never contains data.
 */
export async function callKubeApi<T>(target: string, server: string, what: string, call: () => Promise<T>, options: CallOptions = {}): Promise<T> {
  const policy: RetryOptions = { ...KUBE_RETRY_POLICY, ...options.retry, ...(options.retries !== undefined ? { attempts: options.retries + 1 } : {}) };
  const idempotent = options.idempotent ?? true;
  try {
    return await retry(call, (error) => kubeTransience(error, idempotent), policy);
  } catch (error) {
    if (error instanceof ApiException) throw statusError(what, error.code, error.body);
    if (isRequestTimeout(error)) {
      const after = options.timeoutSeconds !== undefined ? ` after ${options.timeoutSeconds} s` : '';
      throw new ClusterUnreachableError(target, `${target} unreachable (timed out${after}) at ${server} (${what})`);
    }
    throw new ClusterUnreachableError(target, `${target} is unreachable at ${server} (${what}: ${connectionProblem(error)})`);
  }
}

/**
 * 429, 503 and refused connections are always worth another try (the apiserver did not handle the request); 500,
 * 502, 504 and reset connections only for requests that may be repeated.
 */
export function kubeTransience(error: unknown, idempotent: boolean, now: number = Date.now()): Transience {
  if (error instanceof ApiException) {
    const afterMs = parseRetryAfter(headerOf(error.headers, 'retry-after'), now);
    const after = afterMs !== undefined ? { afterMs } : {};
    if (error.code === 429 || error.code === 503) return { retry: true, ...after };
    if (idempotent && (error.code === 500 || error.code === 502 || error.code === 504)) return { retry: true, ...after };
    return NOT_TRANSIENT;
  }
  const broken = connectionFailure(error);
  // A refused connection never reached the server; a reset one may have.
  return broken === 'ECONNREFUSED' || (idempotent && broken !== undefined) ? TRANSIENT : NOT_TRANSIENT;
}

function headerOf(headers: unknown, name: string): string | undefined {
  const value = (headers as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

function connectionProblem(error: unknown): string {
  const e = error as { code?: unknown; cause?: { code?: unknown }; name?: unknown };
  if (typeof e.code === 'string') return e.code;
  if (typeof e.cause?.code === 'string') return e.cause.code;
  return typeof e.name === 'string' ? e.name : 'connection failed';
}

function statusError(what: string, code: number, rawBody: unknown): ApiRequestError {
  let body = rawBody;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      body = undefined;
    }
  }
  const status = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const details = typeof status['details'] === 'object' && status['details'] !== null ? (status['details'] as Record<string, unknown>) : {};
  const causes = Array.isArray(details['causes'])
    ? (details['causes'] as Record<string, unknown>[]).map(
        (c): ApiErrorCause => ({
          ...(typeof c['reason'] === 'string' ? { reason: c['reason'] } : {}),
          ...(typeof c['message'] === 'string' ? { message: c['message'] } : {}),
          ...(typeof c['field'] === 'string' ? { field: c['field'] } : {}),
        }),
      )
    : [];
  const reason = typeof status['reason'] === 'string' ? status['reason'] : undefined;
  const message = typeof status['message'] === 'string' ? status['message'] : `HTTP ${code}`;
  return new ApiRequestError(`${what} refused (${code}${reason ? ` ${reason}` : ''}): ${message}`, {
    code,
    ...(reason ? { reason } : {}),
    ...(causes.length ? { causes } : {}),
  });
}
