/**
 * The few error classes kkp-gitops throws. Callers branch on the class (`instanceof`), never on message text.
 * Per-object failures are collected as values (see apply results); these are for whole-operation failures.
 */
export abstract class KkpGitopsError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad flags, a missing folder, an unreadable repository, a broken kubeconfig. */
export class ConfigurationError extends KkpGitopsError {
  readonly code = 'configuration';
}

/** The desired state has validation errors; the diagnostics say which. */
export class ValidationError extends KkpGitopsError {
  readonly code = 'validation';
}

/** A target cluster (master or seed) could not be reached or its credentials could not be read. */
export class ClusterUnreachableError extends KkpGitopsError {
  readonly code = 'cluster-unreachable';
  /** The address that did not answer, for the log only: the message never names it (a seed's comes from a Secret). */
  readonly server?: string;
  constructor(
    readonly target: string,
    message: string,
    options?: { cause?: unknown; server?: string },
  ) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    if (options?.server !== undefined) this.server = options.server;
  }
}

/** A write to a cluster was refused or failed. */
export class ApplyFailedError extends KkpGitopsError {
  readonly code = 'apply-failed';
}

/** A short, stack-free description of any thrown value for people (CLI, comments). */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error && error.cause.message !== error.message ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
