/**
 * Git fetches tried once more after a failure that may pass (the server or the network hiccuped). A commit missing
 * from the fetched refs (`CommitNotFoundError`) is an answer, not a failure, and is never retried.
 */
import { ConfigurationError } from '../core/errors.js';
import { CommitNotFoundError, type RepositoryMirrors } from './repository-mirror.js';
import { NOT_TRANSIENT, retry, TRANSIENT, type RetryOptions } from '../shared/retry.js';

/** One retry, after 0.5–1 s. */
export const GIT_RETRY_POLICY = Object.freeze({ attempts: 2, baseDelayMs: 1_000, maxDelayMs: 1_000 });

export function retryingMirrors(mirrors: RepositoryMirrors, options: RetryOptions = {}): RepositoryMirrors {
  return {
    fetch(request) {
      return retry(
        () => mirrors.fetch(request),
        // The mirror reports every failed `git fetch` as a ConfigurationError (Git's exit status says no more).
        (error) => (error instanceof ConfigurationError && !(error instanceof CommitNotFoundError) ? TRANSIENT : NOT_TRANSIENT),
        { ...GIT_RETRY_POLICY, random: () => 0.5 + Math.random() / 2, ...options },
      );
    },
  };
}
