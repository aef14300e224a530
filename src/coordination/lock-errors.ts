/** Why a repository lock could not be used. Callers branch on the class, never on the message. */
import { KkpGitopsError } from '../core/errors.js';

/** Another holder kept the lock longer than the caller was willing to wait. */
export class LockTimeoutError extends KkpGitopsError {
  readonly code = 'lock-timeout';
  constructor(
    readonly lease: string,
    readonly holder: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** The lock was taken over by another holder (this one stopped renewing in time), or released. */
export class LockLostError extends KkpGitopsError {
  readonly code = 'lock-lost';
  constructor(
    readonly lease: string,
    message: string,
  ) {
    super(message);
  }
}
