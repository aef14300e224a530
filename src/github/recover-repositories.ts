/**
 * Restart recovery: on start and every `intervalMs`, for every repository with a record in the cluster (a Lease
 * written by a reconcile), ask GitHub for the default branch's head; when it is not the applied commit, or a
 * reconcile was interrupted (`applying-commit` is set), reconcile the head through the same path as a push
 * (`deployPush`: lock, the one reconcile under the policy of the last applied commit, apply); the head is desired
 * even when it is older than the applied commit (a rollback). That path gives deployments a dead process left open their final status
 * before it creates its own; server-side apply makes the re-run idempotent. A rollout of the head that halted at an
 * unhealthy wave is left alone (`/kkp resume` or a new commit moves it); one waiting for a change window is resumed
 * on the first pass after the window opens.
 */
import type { AppliedRecord } from '../coordination/applied-record.js';
import { systemClock, type Clock } from '../coordination/clock.js';
import { describeError } from '../core/errors.js';
import type { AppDeps } from './app-deps.js';
import { deployPush, type DeployOutcome } from './deploy-push.js';
import type { GitHubRepository } from './github-repository.js';

export interface RecoveryDeps {
  /** The app's dependencies; `coordination` is required (it holds the records). */
  readonly app: AppDeps;
  /** The GitHub port of a recorded repository, as its installation (`record.installationId`). */
  readonly openRepository: (record: AppliedRecord & { readonly installationId: number }) => Promise<GitHubRepository>;
  /**
   * Runs a reconcile so that it never overlaps this process's other jobs of the repository (the app passes its work
   * queue). Default: runs it at once.
   */
  readonly run?: <T>(repository: string, job: () => Promise<T>) => Promise<T>;
}

export interface RecoveryOptions {
  /** Time between passes after the first (which runs at once). Default: 300,000 (5 min). */
  readonly intervalMs?: number;
  /** Default: the coordination's clock, else `systemClock`. */
  readonly clock?: Clock;
  /** Called for every repository whose recovery failed (the pass goes on with the others). */
  readonly onError?: (error: unknown, repository: string) => void;
}

export const RECOVERY_DEFAULTS = { intervalMs: 300_000 } as const;

export interface RecoveryResult {
  readonly repository: string;
  /**
   * `up-to-date`: the head is applied and nothing was interrupted. `reconciled`: the head went through `deployPush`
   * (see `outcome`; it may have been skipped there after all). `no-installation`: the record names no installation.
   * `failed`: see `error`.
   */
  readonly action: 'up-to-date' | 'reconciled' | 'no-installation' | 'failed';
  readonly head?: string;
  readonly appliedCommit?: string;
  readonly interruptedCommit?: string;
  readonly outcome?: DeployOutcome;
  readonly error?: string;
}

/** One pass over every recorded repository. Never throws for one repository's failure. */
export async function recoverRepositories(deps: RecoveryDeps, options: Pick<RecoveryOptions, 'onError'> = {}): Promise<RecoveryResult[]> {
  const coordination = deps.app.coordination;
  if (!coordination) return [];
  const run = deps.run ?? (<T>(_repository: string, job: () => Promise<T>) => job());
  const results: RecoveryResult[] = [];
  for (const { record } of await coordination.records()) {
    results.push(await recoverOne(deps, record, run).catch((error: unknown): RecoveryResult => {
      options.onError?.(error, record.repository);
      deps.app.log.error({ err: error, repository: record.repository }, 'kkp-gitops recovery failed');
      return { repository: record.repository, action: 'failed', error: describeError(error) };
    }));
  }
  return results;
}

async function recoverOne(deps: RecoveryDeps, record: AppliedRecord, run: NonNullable<RecoveryDeps['run']>): Promise<RecoveryResult> {
  const repository = record.repository;
  const installationId = record.installationId;
  if (installationId === undefined) return { repository, action: 'no-installation' };
  const github = await deps.openRepository({ ...record, installationId });
  const branch = record.defaultBranch ?? 'main';
  const head = await github.branchHead(branch);
  const known = { head, ...(record.appliedCommit ? { appliedCommit: record.appliedCommit } : {}), ...(record.applyingCommit ? { interruptedCommit: record.applyingCommit } : {}) };
  const rejected = record.attemptOutcome === 'invalid' && record.attemptedCommit === head;
  // A rollout of the head that stopped stays where it stood: halted until `/kkp resume` or a new commit, waiting
  // until its wave's change window opens.
  const rollout = record.rollout?.commit === head ? record.rollout : undefined;
  const held = rollout?.state === 'halted' || (rollout?.state === 'waiting' && rollout.until !== undefined && Date.parse(rollout.until) > clockOf(deps).now());
  if (!record.applyingCommit && (head === record.appliedCommit || rejected || held)) return { repository, action: 'up-to-date', ...known };
  deps.app.log.info({ repository, head, applied: record.appliedCommit, interrupted: record.applyingCommit }, 'kkp-gitops recovery reconciles the default branch');
  const outcome = await run(repository, () => deployPush(deps.app, github, { branch, before: record.appliedCommit ?? '0'.repeat(40), after: head, installationId }));
  return { repository, action: 'reconciled', ...known, outcome };
}

function clockOf(deps: RecoveryDeps): Clock {
  return deps.app.coordination?.clock ?? systemClock;
}

export interface RecoveryLoop {
  /** Runs a pass now (after the one in progress, if any). */
  runNow(): Promise<RecoveryResult[]>;
  /** Resolves when no pass is running. */
  idle(): Promise<void>;
  /** Stops the loop; resolves once the pass in progress (if any) has ended. */
  stop(): Promise<void>;
}

/** Runs `recoverRepositories` at once and then every `intervalMs` until stopped. */
export function startRecovery(deps: RecoveryDeps, options: RecoveryOptions = {}): RecoveryLoop {
  const clock = options.clock ?? deps.app.coordination?.clock ?? systemClock;
  const intervalMs = options.intervalMs ?? RECOVERY_DEFAULTS.intervalMs;
  const stopped = new AbortController();
  let current: Promise<RecoveryResult[]> = Promise.resolve([]);
  const pass = () => {
    const next = current.catch(() => []).then(() => recoverRepositories(deps, options));
    current = next;
    return next;
  };
  const loop = (async () => {
    while (!stopped.signal.aborted) {
      await pass().catch((error: unknown) => deps.app.log.error({ err: error }, 'kkp-gitops recovery pass failed'));
      if (intervalMs <= 0) return;
      await clock.sleep(intervalMs, stopped.signal);
    }
  })();
  return {
    runNow: pass,
    async idle() {
      await current.catch(() => undefined);
    },
    async stop() {
      stopped.abort();
      await loop;
      await current.catch(() => undefined);
    },
  };
}
