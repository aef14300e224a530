/**
 * The Octokit the app runs with: Probot's, with its throttling plugin bounded (Probot's default retries rate limits
 * forever) and its retry plugin off, so that 5xx answers are retried in one place (`retry-github.ts`), where a
 * create is never repeated blindly. `kkp-gitops serve` passes it to Probot: `run(appFn, { Octokit: KkpOctokit })`.
 */
import { ProbotOctokit } from 'probot';

/** Rate-limited requests (primary or secondary) are retried this many times, after GitHub's `retry-after`. */
export const RATE_LIMIT_RETRIES = 2;

interface ThrottledRequest {
  readonly method: string;
  readonly url: string;
}

/** Throttle handler: retry (true) while the request has been retried fewer than `RATE_LIMIT_RETRIES` times. */
export function retryRateLimited(retryAfterSeconds: number, options: ThrottledRequest, octokit: { log: { warn(message: string): void } }, retryCount = 0): boolean {
  const again = retryCount < RATE_LIMIT_RETRIES;
  octokit.log.warn(`GitHub rate limit on ${options.method} ${options.url}: ${again ? `retry ${retryCount + 1} of ${RATE_LIMIT_RETRIES} in ${retryAfterSeconds} s` : 'giving up'}`);
  return again;
}

export const KkpOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  throttle: { ...(options['throttle'] as object | undefined), onRateLimit: retryRateLimited, onSecondaryRateLimit: retryRateLimited },
  retry: { ...(options['retry'] as object | undefined), enabled: false },
}));
