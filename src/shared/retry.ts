/**
 * The one retry helper of kkp-gitops (GitHub calls, Kubernetes calls, Git fetches): an operation is tried again
 * when `classify` calls its error transient, after an exponential backoff with full jitter
 * (`random() × min(maxDelayMs, baseDelayMs × 2^retry)`), and never before the server's `Retry-After`, up
 * to `attempts` tries in all. The last error is thrown as it is. The clock and the randomness come in as options,
 * so that tests run without sleeping.
 */

/** What to do about one error. */
export type Transience =
  | { readonly retry: false }
  /** `afterMs`: the server said when to come back (`Retry-After`); otherwise the backoff decides. */
  | { readonly retry: true; readonly afterMs?: number };

export type ClassifyError = (error: unknown) => Transience;

export interface RetryPolicy {
  /** Tries in all, the first included. Default: 4. */
  readonly attempts?: number;
  /** Backoff of the first retry before jitter. Default: 100 ms. */
  readonly baseDelayMs?: number;
  /** Largest backoff before jitter. Default: 5,000 ms. */
  readonly maxDelayMs?: number;
  /** Longest `Retry-After` waited for; a server asking for more gets the error instead. Default: 60,000 ms. */
  readonly maxRetryAfterMs?: number;
}

export interface RetryOptions extends RetryPolicy {
  /** A number in [0, 1). Default: `Math.random`. */
  readonly random?: () => number;
  /** Waits `ms`. Default: a timer. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called before each wait (logging, metrics). */
  readonly onRetry?: (event: RetryEvent) => void;
}

export interface RetryEvent {
  readonly error: unknown;
  /** The try that failed, from 1. */
  readonly attempt: number;
  readonly delayMs: number;
}

export const DEFAULT_RETRY_POLICY: Required<RetryPolicy> = Object.freeze({ attempts: 4, baseDelayMs: 100, maxDelayMs: 5_000, maxRetryAfterMs: 60_000 });

export const NOT_TRANSIENT: Transience = Object.freeze({ retry: false });
export const TRANSIENT: Transience = Object.freeze({ retry: true });

/** The wait before retry number `retry` (0 for the first): full jitter over the capped exponential. */
export function backoffDelay(retry: number, random: () => number, policy: RetryPolicy = {}): number {
  const base = policy.baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs;
  const max = policy.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs;
  const ceiling = Math.min(max, base * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/** Runs `operation` (given the try number, from 1) until it succeeds, fails permanently, or the tries run out. */
export async function retry<T>(operation: (attempt: number) => Promise<T>, classify: ClassifyError, options: RetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? DEFAULT_RETRY_POLICY.attempts);
  const maxRetryAfter = options.maxRetryAfterMs ?? DEFAULT_RETRY_POLICY.maxRetryAfterMs;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= attempts) throw error;
      const verdict = classify(error);
      if (!verdict.retry) throw error;
      if (verdict.afterMs !== undefined && verdict.afterMs > maxRetryAfter) throw error;
      // Never sooner than the server asked; a `Retry-After: 0` still gets the backoff.
      const delayMs = Math.max(Math.ceil(verdict.afterMs ?? 0), backoffDelay(attempt - 1, random, options));
      options.onRetry?.({ error, attempt, delayMs });
      await sleep(delayMs);
    }
  }
}

/** Seconds (`120`) or an HTTP date, as `Retry-After` carries them, in milliseconds from `now`; undefined if unreadable. */
export function parseRetryAfter(value: string | undefined | null, now: number): number | undefined {
  if (value === undefined || value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Error codes of Node's sockets and undici that mean the connection failed or broke. */
const CONNECTION_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED']);

/** The connection failed or broke (the code on the error or along its `cause` chain); undefined otherwise. */
export function connectionFailure(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
