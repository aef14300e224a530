/**
 * The coordination a process takes part in: its holder identity, the Leases it locks repositories with, and the
 * locks it holds now (so that a graceful shutdown can release them instead of leaving them to expire).
 */
import { readAppliedRecord, recordAnnotations, REPOSITORY_LEASE_LABELS, type AppliedRecord } from './applied-record.js';
import { systemClock, type Clock } from './clock.js';
import { defaultHolderIdentity } from './holder-identity.js';
import type { LeaseStore } from './lease-store.js';
import { acquireRepositoryLock, type RepositoryLock, type RepositoryLockOptions } from './repository-lock.js';

export interface CoordinationOptions {
  readonly leases: LeaseStore;
  /** Default: `defaultHolderIdentity()` (`<pod or host>-<pid>-<random>`). */
  readonly holderIdentity?: string;
  /** Default: `systemClock`. */
  readonly clock?: Clock;
  /** Lock timings (lease duration, wait bound, backoff); defaults in `LOCK_DEFAULTS`. */
  readonly lock?: Omit<RepositoryLockOptions, 'holderIdentity' | 'clock' | 'signal'>;
}

export interface Coordination {
  readonly leases: LeaseStore;
  readonly holderIdentity: string;
  readonly clock: Clock;
  /**
   * Runs `work` holding the repository's lock (waiting for it as `lock` says), then releases it. `options.record`:
   * the record a Lease created for it starts with (its identity fields), so that restart recovery finds the repository
   * even when every record write after taking the lock fails.
   */
  withLock<T>(repository: string, work: (lock: RepositoryLock) => Promise<T>, options?: { readonly record?: AppliedRecord }): Promise<T>;
  /** Every repository record in the cluster, with the holder of its lock (if any, expired or not). */
  records(): Promise<{ record: AppliedRecord; holder: string | undefined }[]>;
  /** Releases the locks this process holds now. */
  releaseAll(): Promise<void>;
}

export function createCoordination(options: CoordinationOptions): Coordination {
  const holderIdentity = options.holderIdentity ?? defaultHolderIdentity();
  const clock = options.clock ?? systemClock;
  const held = new Set<RepositoryLock>();
  const shutdown = new AbortController();
  return {
    leases: options.leases,
    holderIdentity,
    clock,
    async withLock(repository, work, lockOptions) {
      const createWith = lockOptions?.record ? { createWith: recordAnnotations(lockOptions.record) } : {};
      const lock = await acquireRepositoryLock(options.leases, repository, { ...options.lock, holderIdentity, clock, signal: shutdown.signal, ...createWith });
      held.add(lock);
      try {
        return await work(lock);
      } finally {
        held.delete(lock);
        await lock.release();
      }
    },
    async records() {
      const leases = await options.leases.list(REPOSITORY_LEASE_LABELS);
      return leases.flatMap((lease) => {
        const record = readAppliedRecord(lease);
        return record ? [{ record, holder: lease.holderIdentity }] : [];
      });
    },
    async releaseAll() {
      shutdown.abort();
      await Promise.all([...held].map((lock) => lock.release()));
    },
  };
}
