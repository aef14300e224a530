/**
 * The coordination a process takes part in: its holder identity, the Leases it locks repositories with, the
 * pull requests' Leases (newest head, planning claim: `pull-request-claim.ts`), and the locks it holds now (so that
 * a graceful shutdown can release them instead of leaving them to expire).
 */
import { readAppliedRecord, recordAnnotations, REPOSITORY_LEASE_LABELS, type AppliedRecord } from './applied-record.js';
import { systemClock, type Clock } from './clock.js';
import { defaultHolderIdentity } from './holder-identity.js';
import type { LeaseStore } from './lease-store.js';
import { forgetPullRequest, newestPullRequestHead, notePullRequestHead, PULL_REQUEST_LEASE_LABELS, pullRequestLeaseName } from './pull-request-claim.js';
import { acquireLeaseLock, acquireRepositoryLock, type RepositoryLock, type RepositoryLockOptions } from './repository-lock.js';

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
  /**
   * Runs `work` holding the pull request's planning claim (its Lease, waited for as `lock` says), then releases it.
   * Plans take this, not the repository's lock.
   */
  withPullRequestClaim<T>(repository: string, pullNumber: number, work: (claim: RepositoryLock) => Promise<T>): Promise<T>;
  /** Notes a delivered head on the pull request's Lease; true when it is the newest head now (see `notePullRequestHead`). */
  notePullRequestHead(repository: string, pullNumber: number, headSha: string, updatedAt?: string): Promise<boolean>;
  /** The newest head any replica noted for the pull request. */
  newestPullRequestHead(repository: string, pullNumber: number): Promise<string | undefined>;
  /** A closed pull request's Lease is deleted (unless a claim on it is held now). */
  forgetPullRequest(repository: string, pullNumber: number): Promise<boolean>;
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
  const holding = async <T>(lock: RepositoryLock, work: (lock: RepositoryLock) => Promise<T>): Promise<T> => {
    held.add(lock);
    try {
      return await work(lock);
    } finally {
      held.delete(lock);
      await lock.release();
    }
  };
  return {
    leases: options.leases,
    holderIdentity,
    clock,
    async withLock(repository, work, lockOptions) {
      const createWith = lockOptions?.record ? { createWith: recordAnnotations(lockOptions.record) } : {};
      const lock = await acquireRepositoryLock(options.leases, repository, { ...options.lock, holderIdentity, clock, signal: shutdown.signal, ...createWith });
      return holding(lock, work);
    },
    async withPullRequestClaim(repository, pullNumber, work) {
      const target = { name: pullRequestLeaseName(repository, pullNumber), labels: PULL_REQUEST_LEASE_LABELS, subject: `${repository}#${pullNumber}` };
      const claim = await acquireLeaseLock(options.leases, target, { ...options.lock, holderIdentity, clock, signal: shutdown.signal });
      return holding(claim, work);
    },
    notePullRequestHead: (repository, pullNumber, headSha, updatedAt) => notePullRequestHead(options.leases, repository, pullNumber, headSha, updatedAt),
    newestPullRequestHead: (repository, pullNumber) => newestPullRequestHead(options.leases, repository, pullNumber),
    forgetPullRequest: (repository, pullNumber) => forgetPullRequest(options.leases, repository, pullNumber, clock.now()),
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
