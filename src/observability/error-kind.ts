import { ApplyFailedError, ClusterUnreachableError, ConfigurationError, KkpGitopsError, ValidationError } from '../core/errors.js';

/** The `code` of every error class in `src/core/errors.ts`, read from the classes themselves so the list cannot drift. */
export const KNOWN_ERROR_KINDS: readonly string[] = [
  new ConfigurationError('').code,
  new ValidationError('').code,
  new ClusterUnreachableError('', '').code,
  new ApplyFailedError('').code,
];

/** The kind an error is counted under: its class's `code`, or `unknown` for anything that is not a kkp-gitops error. */
export function errorKind(error: unknown): string {
  return error instanceof KkpGitopsError ? error.code : 'unknown';
}
