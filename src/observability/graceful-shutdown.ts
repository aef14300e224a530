/**
 * Graceful shutdown on SIGTERM/SIGINT, in this order: mark not-ready, stop accepting connections, wait for
 * in-flight work (`drain`) up to the timeout, release the locks, exit. Work still running at the deadline is
 * abandoned: the process exits, and the next holder of the lock finishes the commit (server-side apply makes
 * the re-run idempotent). A second signal during shutdown exits at once.
 *
 * The process and the exit function are parameters, so tests drive it with an EventEmitter and a recorder.
 */
import type { Server } from 'node:http';
import { describeError } from '../core/errors.js';

/** The part of `process` used: signal listeners. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  removeListener(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

export interface ShutdownLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface GracefulShutdownOptions {
  /** The HTTP server; it stops accepting connections first. */
  readonly server: Pick<Server, 'close'> & Partial<Pick<Server, 'closeIdleConnections' | 'closeAllConnections'>>;
  /** Resolves when in-flight work (queue, running plan or apply) is finished. */
  readonly drain: () => Promise<void>;
  /** Releases every lock this process holds (Leases). */
  readonly releaseLocks: () => Promise<void>;
  /** Makes readiness fail at once (`HealthHandlers.markNotReady`). Default: nothing. */
  readonly markNotReady?: () => void;
  /** Longest wait for the server to close and `drain` to finish, in milliseconds. Default: 60000. */
  readonly timeoutMs?: number;
  /** Longest wait for `releaseLocks`, in milliseconds. Default: 10000. */
  readonly releaseTimeoutMs?: number;
  /** Signals that start the shutdown. Default: SIGTERM and SIGINT. */
  readonly signals?: readonly NodeJS.Signals[];
  /** Where signals come from. Default: `process`. */
  readonly process?: SignalSource;
  /** Ends the process. Default: `process.exit`. */
  readonly exit?: (code: number) => void;
  /** Progress messages. Default: none. */
  readonly log?: ShutdownLog;
}

export interface GracefulShutdown {
  /** Runs the shutdown (as a signal would) and resolves with the exit code passed to `exit`. */
  shutdown(reason: string): Promise<number>;
  /** Removes the signal listeners. */
  uninstall(): void;
  readonly shuttingDown: boolean;
}

type Outcome = 'done' | 'timeout' | { readonly error: unknown };

async function within(work: () => Promise<unknown>, timeoutMs: number): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    return await Promise.race([
      Promise.resolve()
        .then(work)
        .then(
          (): Outcome => 'done',
          (error: unknown): Outcome => ({ error }),
        ),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function closeServer(server: GracefulShutdownOptions['server']): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => {
      // A server that was not listening has nothing to close.
      if (error && (error as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING') reject(error);
      else resolve();
    });
    server.closeIdleConnections?.();
  });
}

export function installGracefulShutdown(options: GracefulShutdownOptions): GracefulShutdown {
  const source = options.process ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const timeoutMs = options.timeoutMs ?? 60_000;
  const releaseTimeoutMs = options.releaseTimeoutMs ?? 10_000;
  const log = options.log;
  let running: Promise<number> | undefined;

  async function run(reason: string): Promise<number> {
    log?.info(`shutting down (${reason}): no new work, draining for up to ${timeoutMs} ms`);
    options.markNotReady?.();
    let code = 0;
    const drained = await within(() => Promise.all([closeServer(options.server), options.drain()]), timeoutMs);
    if (drained === 'timeout') {
      code = 1;
      options.server.closeAllConnections?.();
      log?.warn(`in-flight work did not finish within ${timeoutMs} ms; abandoning it (the next lock holder re-applies)`);
    } else if (drained !== 'done') {
      code = 1;
      log?.warn(`draining failed: ${describeError(drained.error)}`);
    }
    const released = await within(options.releaseLocks, releaseTimeoutMs);
    if (released !== 'done') {
      code = 1;
      log?.warn(
        released === 'timeout'
          ? `releasing locks did not finish within ${releaseTimeoutMs} ms; they expire on their own`
          : `releasing locks failed: ${describeError(released.error)}; they expire on their own`,
      );
    }
    log?.info(`shutdown complete, exit code ${code}`);
    exit(code);
    return code;
  }

  const onSignal = (signal: NodeJS.Signals): void => {
    if (running) {
      log?.warn(`${signal} during shutdown: exiting now`);
      exit(1);
      return;
    }
    running = run(signal);
  };
  for (const signal of signals) source.on(signal, onSignal);

  return {
    shutdown(reason) {
      running ??= run(reason);
      return running;
    },
    uninstall() {
      for (const signal of signals) source.removeListener(signal, onSignal);
    },
    get shuttingDown() {
      return running !== undefined;
    },
  };
}
