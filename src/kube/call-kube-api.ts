import { ApiException } from '@kubernetes/client-node';
import { ApiRequestError, type ApiErrorCause } from '../core/apply/api-request-error.js';
import { ClusterUnreachableError } from '../core/errors.js';

export interface CallOptions {
  /** Requests answered 429 or 503 are tried again this many times (after `Retry-After`, at most 1 s). Default: 2. */
  readonly retries?: number;
}

/**
 * Runs one client-node call. A connection failure becomes `ClusterUnreachableError`; an error Status becomes
 * `ApiRequestError` with its code, reason and causes; 429 and 503 are retried. Bodies are never quoted in errors.
 * `what` names the request for messages (`list seeds`, `apply`) and never contains data.
 */
export async function callKubeApi<T>(target: string, server: string, what: string, call: () => Promise<T>, options: CallOptions = {}): Promise<T> {
  const retries = options.retries ?? 2;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ApiException) {
        const code = error.code;
        if ((code === 429 || code === 503) && attempt < retries) {
          await sleep(Math.min(1000, (Number(headerOf(error.headers, 'retry-after')) || 0.05 * (attempt + 1)) * 1000));
          continue;
        }
        throw statusError(what, code, error.body);
      }
      throw new ClusterUnreachableError(target, `${target} is unreachable at ${server} (${what}: ${connectionProblem(error)})`);
    }
  }
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
