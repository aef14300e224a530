/**
 * `/healthz` (the process is alive) and `/readyz` (it can reach what it needs: GitHub and the master).
 * Readiness runs every check concurrently, each bounded by the timeout; the answer names failing checks and
 * how they failed (`failed` with the error kind, or `timeout`), never an error message, so no URL, token or
 * kubeconfig detail can leak through the endpoint. Details go to `onCheckFailure` (a logger) instead.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorKind } from './error-kind.js';

export type HealthCheck = () => Promise<void>;
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface HealthOptions {
  /** Named checks; each resolves when its dependency is reachable. kkp-gitops uses `github` and `master`. */
  readonly checks: Readonly<Record<string, HealthCheck>>;
  /** Longest a check may take before it counts as failed, in milliseconds. Default: 5000. */
  readonly timeoutMs?: number;
  /** Told about every failing check with its error (for the log). Default: nothing. */
  readonly onCheckFailure?: (check: string, error: unknown) => void;
  /**
   * Facts shown beside the checks that never make the process unready (`kkpCrds`: the KKP release of the master's
   * CRDs). Fixed words only, no error text. Default: none.
   */
  readonly notes?: () => Readonly<Record<string, string>>;
}

export type CheckResult = { readonly status: 'ok' } | { readonly status: 'timeout' } | { readonly status: 'failed'; readonly kind: string };

export interface ReadinessReport {
  readonly status: 'ready' | 'not-ready' | 'shutting-down';
  /** Names of the checks that did not pass, sorted. */
  readonly failing: readonly string[];
  readonly checks: Readonly<Record<string, CheckResult>>;
  /** `HealthOptions.notes`, when given. */
  readonly notes?: Readonly<Record<string, string>>;
}

export interface HealthHandlers {
  /** 200 `ok` while the process can answer at all. */
  readonly healthz: NodeHandler;
  /** 200 with the report when every check passes in time; 503 with the report otherwise. */
  readonly readyz: NodeHandler;
  /** Runs the checks (as `/readyz` does) and returns the report. */
  checkReadiness(): Promise<ReadinessReport>;
  /** From now on `/readyz` answers 503 `shutting-down` without running checks (graceful shutdown calls this). */
  markNotReady(): void;
}

class CheckTimeout extends Error {}

async function runCheck(check: HealthCheck, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimeout()), timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(check), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function healthHandlers(options: HealthOptions): HealthHandlers {
  const timeoutMs = options.timeoutMs ?? 5000;
  const names = Object.keys(options.checks).sort();
  let shuttingDown = false;

  async function checkReadiness(): Promise<ReadinessReport> {
    if (shuttingDown) return { status: 'shutting-down', failing: [], checks: {} };
    const results = await Promise.all(
      names.map(async (name): Promise<[string, CheckResult]> => {
        try {
          await runCheck(options.checks[name]!, timeoutMs);
          return [name, { status: 'ok' }];
        } catch (error) {
          options.onCheckFailure?.(name, error);
          return [name, error instanceof CheckTimeout ? { status: 'timeout' } : { status: 'failed', kind: errorKind(error) }];
        }
      }),
    );
    const failing = results.filter(([, result]) => result.status !== 'ok').map(([name]) => name);
    const notes = options.notes ? { notes: options.notes() } : {};
    return { status: failing.length === 0 ? 'ready' : 'not-ready', failing, checks: Object.fromEntries(results), ...notes };
  }

  return {
    async healthz(_req, res) {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end('ok\n');
    },
    async readyz(_req, res) {
      const report = await checkReadiness();
      res
        .writeHead(report.status === 'ready' ? 200 : 503, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
        .end(`${JSON.stringify(report)}\n`);
    },
    checkReadiness,
    markNotReady() {
      shuttingDown = true;
    },
  };
}
