/**
 * Structured JSON logs. `createLogger()` makes the root logger (pino: one JSON object per line, ISO time,
 * level as a word, secrets redacted); `scopedLogger()` derives loggers that carry the delivery, repository,
 * pull request and target on every line, `null` where not known yet, so every line has the same keys.
 * Scopes are always derived from the root with the merged context: pino repeats a key that a child binds
 * twice, so narrowing a scope never binds a key again.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** Lowest level written: fatal, error, warn, info, debug, trace or silent. Default: `info`. */
  readonly level?: string;
  /** Where lines go. Default: standard output. */
  readonly destination?: DestinationStream;
  /** `name` on every line. Default: `kkp-gitops`. */
  readonly name?: string;
}

/** Field paths whose values are replaced by `[redacted]` wherever they are logged. */
export const REDACTED_PATHS: readonly string[] = [
  'privateKey',
  '*.privateKey',
  'token',
  '*.token',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'webhookSecret',
  '*.webhookSecret',
  'kubeconfig',
  '*.kubeconfig',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
];

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      name: options.name ?? 'kkp-gitops',
      level: options.level ?? 'info',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    },
    options.destination ?? pino.destination(1),
  );
}

/** What a log line is about. */
export interface LogContext {
  /** GitHub's `X-GitHub-Delivery` of the webhook that started the work. */
  readonly deliveryId?: string;
  /** `owner/name`. */
  readonly repository?: string;
  /** Pull request number. */
  readonly pullRequest?: number;
  /** `master` or a seed name. */
  readonly target?: string;
}

export type LogFields = { readonly [K in keyof Required<LogContext>]: LogContext[K] | null };

export interface ScopedLogger {
  /** The logger to write with; every line carries `fields`. */
  readonly log: Logger;
  readonly fields: LogFields;
  /** A logger for a narrower scope: these fields replace the current ones, the rest are kept. */
  with(context: LogContext): ScopedLogger;
}

export function scopedLogger(root: Logger, context: LogContext = {}): ScopedLogger {
  const fields: LogFields = {
    deliveryId: context.deliveryId ?? null,
    repository: context.repository ?? null,
    pullRequest: context.pullRequest ?? null,
    target: context.target ?? null,
  };
  return {
    log: root.child(fields),
    fields,
    with: (more) =>
      scopedLogger(root, {
        deliveryId: more.deliveryId ?? fields.deliveryId ?? undefined,
        repository: more.repository ?? fields.repository ?? undefined,
        pullRequest: more.pullRequest ?? fields.pullRequest ?? undefined,
        target: more.target ?? fields.target ?? undefined,
      }),
  };
}
