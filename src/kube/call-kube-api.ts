import { ApiException } from '@kubernetes/client-node';
import { ApiRequestError, type ApiErrorCause } from '../core/apply/api-request-error.js';
import { apiStatusReason, describeCauses } from '../core/apply/api-status-reason.js';
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
      throw new ClusterUnreachableError(target, `${target} unreachable (timed out${after}): ${what}`, { server });
    }
    // The server's address is not repeated: for a seed it comes from a kubeconfig Secret (see `server` for the log).
    throw new ClusterUnreachableError(target, `${target} unreachable (${connectionProblem(error)}): ${what}`, { server });
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

/** A system error code (`ECONNREFUSED`, `CERT_HAS_EXPIRED`), else `connection failed`: a fixed word, never a message. */
function connectionProblem(error: unknown): string {
  const e = error as { code?: unknown; cause?: { code?: unknown }; name?: unknown };
  const word = [e.code, e.cause?.code, e.name].find((v): v is string => typeof v === 'string' && /^[A-Za-z0-9_]{1,64}$/.test(v));
  return word ?? 'connection failed';
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
  const message = typeof status['message'] === 'string' ? status['message'] : undefined;
  // The fixed form only (code and a known reason, the causes' field paths and types): the server's words stay in
  // `serverMessage`, out of every report that reaches GitHub.
  const causesText = describeCauses(causes);
  return new ApiRequestError(
    `${what} refused: ${apiStatusReason({ code, ...(reason ? { reason } : {}), ...(message !== undefined ? { message } : {}) })}${causesText ? ` (${causesText})` : ''}`,
    { code, ...(reason ? { reason } : {}), ...(causes.length ? { causes } : {}) },
    message !== undefined ? { serverMessage: message.slice(0, 4_096) } : undefined,
  );
}
