/**
 * One lock per repository, as a `coordination.k8s.io/v1` Lease (through the `LeaseStore` port), so that several
 * kkp-gitops processes reconcile a repository one at a time:
 * - acquire: create the Lease, or replace it at the resourceVersion read when nobody holds it or its holder's
 *   `renewTime + leaseDurationSeconds` has passed (takeover; `leaseTransitions` counts holder changes). A 409 means
 *   another process won: wait with backoff and jitter, up to `waitTimeoutMs`, then `LockTimeoutError`. A store that
 *   can watch (`LeaseStore.released`) wakes the waiter as soon as the holder releases the Lease: the hand-over
 *   takes one watch event, not the rest of a backoff pause.
 * - renew every third of the duration while held; when renewing finds another holder, or cannot renew before the
 *   lease would expire, the lock is lost: `signal` aborts and record writes throw `LockLostError`.
 * - release: clear the holder (the record annotations stay).
 * The holder also writes the repository's applied-commit record (annotations of the same Lease, see
 * `applied-record.ts`), with the lock's resourceVersion. Expiry compares the holder's `renewTime` with this process's
 * clock: the processes' clocks must agree to well within the lease duration.
 *
 * The same lock serves other Leases (`acquireLeaseLock`): a pull request's planning claim is one
 * (`pull-request-claim.ts`).
 */
import { describeError } from '../core/errors.js';
import { otherAnnotations, readAppliedRecord, recordAnnotations, REPOSITORY_LEASE_LABELS, type AppliedRecord } from './applied-record.js';
import { systemClock, type Clock } from './clock.js';
import { leaseNameFor } from './lease-name.js';
import { LeaseConflictError, type LeaseState, type LeaseStore, type LeaseWrite } from './lease-store.js';
import { LockLostError, LockTimeoutError } from './lock-errors.js';

export interface RepositoryLockOptions {
  /** Who takes the lock (`defaultHolderIdentity()`); unique per process. */
  readonly holderIdentity: string;
  /** Default: `systemClock`. */
  readonly clock?: Clock;
  /** How long a holder that stopped renewing keeps the lock. Default: 30. */
  readonly leaseDurationSeconds?: number;
  /** How long to wait for another holder before giving up with `LockTimeoutError`. Default: 300,000 (5 min). */
  readonly waitTimeoutMs?: number;
  /** First pause between attempts; doubles up to `pollMaxMs`, each with ±50% jitter. Default: 500. */
  readonly pollInitialMs?: number;
  /** Default: 5,000. */
  readonly pollMaxMs?: number;
  /** Jitter source in [0, 1). Default: `Math.random`. */
  readonly random?: () => number;
  /** Called once when the lock is lost while held (not on release). */
  readonly onLost?: (error: LockLostError) => void;
  /** Stops waiting (acquire rejects with `LockTimeoutError`). */
  readonly signal?: AbortSignal;
  /**
   * Annotations a Lease this acquisition creates starts with (the record's identity: see `Coordination.withLock`), so
   * that the Lease names its repository even when no record write succeeds after it. Default: none.
   */
  readonly createWith?: Readonly<Record<string, string>>;
}

export interface RepositoryLock {
  /** `owner/name` (for another Lease: what it locks, as `LeaseLockTarget.subject` says) */
  readonly repository: string;
  /** The Lease's name (`kkp-gitops-acme-kkp-config`). */
  readonly lease: string;
  readonly holderIdentity: string;
  /** The record as of the last read or write; `undefined` before the first reconcile wrote one. */
  readonly record: AppliedRecord | undefined;
  /** The holder this lock took over from when it was still recorded (expired), else undefined. */
  readonly tookOverFrom: string | undefined;
  /** True until released or lost. */
  readonly held: boolean;
  /** Aborted when the lock is released or lost. */
  readonly signal: AbortSignal;
  /** Throws `LockLostError` unless still held. */
  assertHeld(): void;
  /** Writes `change(current record)` on the Lease, as the holder, with optimistic concurrency. */
  updateRecord(change: (current: AppliedRecord | undefined) => AppliedRecord): Promise<AppliedRecord>;
  /** The Lease's annotations as of the last read or write. */
  readonly annotations: Readonly<Record<string, string>>;
  /** Writes `change(current annotations)` as the Lease's annotations, as the holder, with optimistic concurrency. */
  updateAnnotations(change: (current: Readonly<Record<string, string>>) => Record<string, string>): Promise<void>;
  /** Stops renewing and clears the holder. Never throws: a lease that cannot be cleared expires. */
  release(): Promise<void>;
}

export const LOCK_DEFAULTS = {
  leaseDurationSeconds: 30,
  waitTimeoutMs: 300_000,
  pollInitialMs: 500,
  pollMaxMs: 5_000,
} as const;

/** A Lease to lock with: its name, the labels it is created with, and what it locks (for messages). */
export interface LeaseLockTarget {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** `acme/kkp-config`, `acme/kkp-config#42`. */
  readonly subject: string;
}

/** Takes the repository's lock, waiting for another holder up to `waitTimeoutMs`. */
export function acquireRepositoryLock(store: LeaseStore, repository: string, options: RepositoryLockOptions): Promise<RepositoryLock> {
  return acquireLeaseLock(store, { name: leaseNameFor(repository), labels: REPOSITORY_LEASE_LABELS, subject: repository }, options);
}

/** Takes the lock of any Lease (as `acquireRepositoryLock` does for a repository's), waiting up to `waitTimeoutMs`. */
export async function acquireLeaseLock(store: LeaseStore, target: LeaseLockTarget, options: RepositoryLockOptions): Promise<RepositoryLock> {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const { name, subject } = target;
  const waitTimeoutMs = options.waitTimeoutMs ?? LOCK_DEFAULTS.waitTimeoutMs;
  const started = clock.now();
  let pause = options.pollInitialMs ?? LOCK_DEFAULTS.pollInitialMs;
  for (;;) {
    const attempt = await tryAcquire(store, target, options, clock);
    if (attempt.acquired) return holdLock(store, subject, attempt.state, attempt.previousHolder, options, clock);
    const waited = clock.now() - started;
    if (waited >= waitTimeoutMs || options.signal?.aborted) {
      const holder = attempt.holder;
      throw new LockTimeoutError(name, holder, `the lock of ${subject} (Lease ${store.namespace}/${name}) is held by ${holder ?? 'another process'}; gave up after ${Math.round(waited / 1000)} s`);
    }
    const jittered = pause * (0.5 + random());
    await untilReleasedOrSlept(store, name, attempt.resourceVersion, clock, Math.min(jittered, waitTimeoutMs - waited), options.signal);
    pause = Math.min(pause * 2, options.pollMaxMs ?? LOCK_DEFAULTS.pollMaxMs);
  }
}

/** Sleeps `ms`, or less when the store sees the Lease released (a watch event) before. */
async function untilReleasedOrSlept(store: LeaseStore, name: string, resourceVersion: string | undefined, clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (!store.released || resourceVersion === undefined) return clock.sleep(ms, signal);
  const woken = new AbortController();
  const wake = () => woken.abort();
  signal?.addEventListener('abort', wake, { once: true });
  try {
    await Promise.race([clock.sleep(ms, woken.signal), store.released(name, resourceVersion, woken.signal)]);
  } finally {
    wake();
    signal?.removeEventListener('abort', wake);
  }
}

/** Runs `work` holding the repository's lock, releasing it afterwards whatever happens. */
export async function withRepositoryLock<T>(store: LeaseStore, repository: string, options: RepositoryLockOptions, work: (lock: RepositoryLock) => Promise<T>): Promise<T> {
  const lock = await acquireRepositoryLock(store, repository, options);
  try {
    return await work(lock);
  } finally {
    await lock.release();
  }
}

/** Nobody holds the lease, or its holder's renewTime + duration has passed by `now`. */
export function isLeaseFree(lease: LeaseState, now: number): boolean {
  if (!lease.holderIdentity) return true;
  const renewed = lease.renewTime ?? lease.acquireTime;
  if (renewed === undefined) return true;
  return renewed + (lease.leaseDurationSeconds ?? LOCK_DEFAULTS.leaseDurationSeconds) * 1000 <= now;
}

type Attempt = { acquired: true; state: LeaseState; previousHolder: string | undefined } | { acquired: false; holder: string | undefined; resourceVersion: string | undefined };

async function tryAcquire(store: LeaseStore, target: LeaseLockTarget, options: RepositoryLockOptions, clock: Clock): Promise<Attempt> {
  const { name, labels } = target;
  const me = options.holderIdentity;
  const duration = options.leaseDurationSeconds ?? LOCK_DEFAULTS.leaseDurationSeconds;
  const current = await store.get(name);
  const now = clock.now();
  try {
    if (!current) {
      const state = await store.create({ name, labels, annotations: { ...options.createWith }, holderIdentity: me, leaseDurationSeconds: duration, acquireTime: now, renewTime: now, leaseTransitions: 0 });
      return { acquired: true, state, previousHolder: undefined };
    }
    // The same identity still recorded, and renewed, means another job of this very process holds it: wait like
    // anyone else. Expired, it is a lock this process could not release (the Lease API failing then): take it back.
    if (!isLeaseFree(current, now)) return { acquired: false, holder: current.holderIdentity, resourceVersion: current.resourceVersion };
    const state = await store.replace(
      {
        ...leaseWrite(current),
        labels: { ...current.labels, ...labels },
        holderIdentity: me,
        leaseDurationSeconds: duration,
        acquireTime: now,
        renewTime: now,
        leaseTransitions: (current.leaseTransitions ?? 0) + 1,
      },
      current.resourceVersion,
    );
    return { acquired: true, state, previousHolder: current.holderIdentity || undefined };
  } catch (error) {
    if (error instanceof LeaseConflictError) return { acquired: false, holder: current?.holderIdentity, resourceVersion: current?.resourceVersion };
    throw error;
  }
}

function holdLock(store: LeaseStore, repository: string, acquired: LeaseState, previousHolder: string | undefined, options: RepositoryLockOptions, clock: Clock): RepositoryLock {
  const me = options.holderIdentity;
  const duration = options.leaseDurationSeconds ?? LOCK_DEFAULTS.leaseDurationSeconds;
  const stop = new AbortController();
  let state = acquired;
  let lost: LockLostError | undefined;
  let released = false;
  let lastRenewed = state.renewTime ?? clock.now();
  // Renewals, record writes and the release each start from the state the previous one left.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(op: () => Promise<T>): Promise<T> => {
    const next = chain.then(op);
    chain = next.catch(() => undefined);
    return next;
  };

  const lose = (why: string) => {
    if (lost || released) return;
    lost = new LockLostError(state.name, `lost the lock of ${repository} (Lease ${store.namespace}/${state.name}): ${why}`);
    stop.abort(lost);
    options.onLost?.(lost);
  };
  const assertHeld = () => {
    if (lost) throw lost;
    if (released) throw new LockLostError(state.name, `the lock of ${repository} was released`);
  };

  /** Replaces the Lease as the holder; on a conflict re-reads it and tries again while it is still ours. */
  const write = async (build: (current: LeaseState) => LeaseWrite): Promise<LeaseState> => {
    for (;;) {
      assertHeld();
      try {
        state = await store.replace(build(state), state.resourceVersion);
        return state;
      } catch (error) {
        if (!(error instanceof LeaseConflictError)) throw error;
        const fresh = await store.get(state.name);
        if (!fresh || fresh.holderIdentity !== me) {
          lose(`now held by ${fresh?.holderIdentity || 'nobody'}`);
          assertHeld();
        }
        state = fresh!;
      }
    }
  };

  const renewLoop = async () => {
    while (!stop.signal.aborted) {
      await clock.sleep((duration * 1000) / 3, stop.signal);
      if (stop.signal.aborted) return;
      await serial(async () => {
        if (stop.signal.aborted) return;
        const now = clock.now();
        try {
          await write((current) => ({ ...leaseWrite(current), renewTime: now }));
          lastRenewed = now;
        } catch (error) {
          if (error instanceof LockLostError) return;
          // Unreachable for now: keep trying while the lease has not expired; after that another may hold it.
          if (clock.now() >= lastRenewed + duration * 1000) lose(`could not renew within ${duration} s (${describeError(error)})`);
        }
      });
    }
  };
  void renewLoop();

  return {
    repository,
    lease: state.name,
    holderIdentity: me,
    get record() {
      return readAppliedRecord(state);
    },
    tookOverFrom: previousHolder,
    get held() {
      return !lost && !released;
    },
    signal: stop.signal,
    assertHeld,
    get annotations() {
      return state.annotations;
    },
    updateAnnotations(change) {
      return serial(async () => {
        await write((current) => ({ ...leaseWrite(current), annotations: change(current.annotations), renewTime: clock.now() }));
      });
    },
    updateRecord(change) {
      return serial(async () => {
        let next: AppliedRecord | undefined;
        await write((current) => {
          next = change(readAppliedRecord(current));
          return { ...leaseWrite(current), annotations: { ...otherAnnotations(current.annotations), ...recordAnnotations(next) }, renewTime: clock.now() };
        });
        return next!;
      });
    },
    async release() {
      if (released) return;
      const wasLost = lost !== undefined;
      released = true;
      stop.abort();
      if (wasLost) return;
      await serial(async () => {
        try {
          let current = state;
          for (let attempt = 0; attempt < 3; attempt++) {
            try {
              const { holderIdentity: _h, acquireTime: _a, renewTime: _r, ...rest } = leaseWrite(current);
              state = await store.replace(rest, current.resourceVersion);
              return;
            } catch (error) {
              if (!(error instanceof LeaseConflictError)) throw error;
              const fresh = await store.get(current.name);
              if (!fresh || fresh.holderIdentity !== me) return;
              current = fresh;
            }
          }
        } catch {
          // The lease expires by itself; the next holder takes it over then.
        }
      });
    },
  };
}

function leaseWrite(state: LeaseState): LeaseWrite {
  const { resourceVersion: _rv, ...rest } = state;
  return rest;
}
