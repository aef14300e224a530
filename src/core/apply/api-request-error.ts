import { ApplyFailedError } from '../errors.js';

/** One cause of a Kubernetes API error Status (`details.causes`). */
export interface ApiErrorCause {
  readonly reason?: string;
  readonly message?: string;
  readonly field?: string;
}

/**
 * The API answered a request with an error Status. Carries the Status' code, reason and causes so results can say
 * why (a conflict names the other field manager). The message never contains request bodies.
 */
export class ApiRequestError extends ApplyFailedError {
  constructor(
    message: string,
    readonly status: { readonly code: number; readonly reason?: string; readonly causes?: readonly ApiErrorCause[] },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The field managers named by server-side apply conflict causes (`conflict with "kubectl-edit" ...`). */
  get conflictManagers(): string[] {
    const names = (this.status.causes ?? [])
      .filter((c) => c.reason === 'FieldManagerConflict')
      .map((c) => /conflict with "([^"]+)"/.exec(c.message ?? '')?.[1])
      .filter((n): n is string => n !== undefined);
    return [...new Set(names)];
  }
}
