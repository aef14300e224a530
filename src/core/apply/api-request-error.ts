import { ApplyFailedError } from '../errors.js';

const FIELD_MANAGER = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$/;

/** One cause of a Kubernetes API error Status (`details.causes`). */
export interface ApiErrorCause {
  readonly reason?: string;
  readonly message?: string;
  readonly field?: string;
}

/**
 * The API answered a request with an error Status. Carries the Status' code, reason and causes so results can say
 * why (a conflict names the other field manager). The message is in fixed form (`apiStatusReason`: the HTTP code
 * and a reason from a closed list), so it may go anywhere, GitHub included; the server's own words are kept apart in
 * `serverMessage`, for the log only. The message never contains request bodies.
 */
export class ApiRequestError extends ApplyFailedError {
  constructor(
    message: string,
    readonly status: { readonly code: number; readonly reason?: string; readonly causes?: readonly ApiErrorCause[] },
    options?: { cause?: unknown; serverMessage?: string },
  ) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    if (options?.serverMessage !== undefined) this.serverMessage = options.serverMessage;
  }

  /** The Status' `message` as the server wrote it: never repeated on GitHub (see `apiStatusReason`). */
  readonly serverMessage?: string;

  /** The field managers named by server-side apply conflict causes (`conflict with "kubectl-edit" ...`). */
  get conflictManagers(): string[] {
    const names = (this.status.causes ?? [])
      .filter((c) => c.reason === 'FieldManagerConflict')
      .map((c) => /conflict with "([^"]+)"/.exec(c.message ?? '')?.[1])
      // A field manager's name is the client's own choice: only plain names are repeated.
      .filter((n): n is string => n !== undefined && FIELD_MANAGER.test(n));
    return [...new Set(names)];
  }
}
