/**
 * A pull request's Lease in the master, so that replicas share what a plan needs to know without the repository's
 * lock (plans are read-only: they run in parallel across replicas, applies alone keep the repository Lease):
 * - the newest head: every replica writes the head of each delivery it receives on the Lease (with the delivery's
 *   `updated_at`; an older one never replaces a newer), and a plan checks it before every write it makes, so that
 *   a head superseded on any replica is dropped on all of them;
 * - the claim: planning a head holds the Lease as a lock (`acquireLeaseLock`), so that two replicas receiving the
 *   same delivery plan it once, one after the other, the second finding the first's check run.
 *
 * | annotation | value |
 * |---|---|
 * | `gitops.kkp.dev/repository` | `owner/name` |
 * | `gitops.kkp.dev/pull-request` | its number |
 * | `gitops.kkp.dev/newest-head` | the newest head SHA any replica received |
 * | `gitops.kkp.dev/newest-head-at` | that delivery's `updated_at`, milliseconds since the epoch (absent when it had none) |
 *
 * Writes that do not hold the claim (noting a head) replace the Lease at the resourceVersion they read and read
 * again on a conflict; the holder's own writes (renewals) keep the annotations they find.
 */
import { createHash } from 'node:crypto';
import { LeaseConflictError, type LeaseState, type LeaseStore } from './lease-store.js';
import { isLeaseFree } from './repository-lock.js';

export const PULL_REQUEST_LEASE_LABELS: Readonly<Record<string, string>> = {
  'app.kubernetes.io/managed-by': 'kkp-gitops',
  'gitops.kkp.dev/lock': 'pull-request',
};

export const PULL_REQUEST_ANNOTATIONS = {
  repository: 'gitops.kkp.dev/repository',
  pullRequest: 'gitops.kkp.dev/pull-request',
  newestHead: 'gitops.kkp.dev/newest-head',
  newestHeadAt: 'gitops.kkp.dev/newest-head-at',
} as const;

/** Conflicting writers retried at most this often when noting a head (each retry reads the Lease again). */
const NOTE_ATTEMPTS = 5;

/**
 * `kkp-gitops-pull-<number>-<hash of owner/name>`: a DNS label whatever the repository's name, never one of a
 * repository's Leases (`leaseNameFor`) since the hash is of the name with the number.
 */
export function pullRequestLeaseName(repository: string, pullNumber: number): string {
  const hash = createHash('sha256').update(`${repository.toLowerCase()}#${pullNumber}`).digest('hex').slice(0, 16);
  return `kkp-gitops-pull-${pullNumber}-${hash}`;
}

/** The newest head recorded on a pull request's Lease; undefined when none is. */
export function newestHeadOf(lease: Pick<LeaseState, 'annotations'> | undefined): { sha: string; at: number | undefined } | undefined {
  const sha = lease?.annotations[PULL_REQUEST_ANNOTATIONS.newestHead];
  if (!sha) return undefined;
  const at = Number(lease.annotations[PULL_REQUEST_ANNOTATIONS.newestHeadAt]);
  return { sha, at: lease.annotations[PULL_REQUEST_ANNOTATIONS.newestHeadAt] && Number.isFinite(at) ? at : undefined };
}

/**
 * Notes `headSha` as the pull request's newest head unless the Lease records a newer one (a later `updatedAt`; ties
 * and unknown times go to this later arrival). Returns whether `headSha` is the newest head now.
 */
export async function notePullRequestHead(store: LeaseStore, repository: string, pullNumber: number, headSha: string, updatedAt?: string): Promise<boolean> {
  const name = pullRequestLeaseName(repository, pullNumber);
  const parsed = updatedAt === undefined ? Number.NaN : Date.parse(updatedAt);
  const at = Number.isNaN(parsed) ? undefined : parsed;
  const annotations = (current: Readonly<Record<string, string>>): Record<string, string> => {
    const out: Record<string, string> = { ...current, [PULL_REQUEST_ANNOTATIONS.repository]: repository, [PULL_REQUEST_ANNOTATIONS.pullRequest]: String(pullNumber), [PULL_REQUEST_ANNOTATIONS.newestHead]: headSha };
    if (at === undefined) delete out[PULL_REQUEST_ANNOTATIONS.newestHeadAt];
    else out[PULL_REQUEST_ANNOTATIONS.newestHeadAt] = String(at);
    return out;
  };
  for (let attempt = 1; ; attempt++) {
    const current = await store.get(name);
    try {
      if (!current) {
        await store.create({ name, labels: PULL_REQUEST_LEASE_LABELS, annotations: annotations({}) });
        return true;
      }
      const known = newestHeadOf(current);
      if (known?.sha === headSha && known.at === at) return true;
      if (known?.at !== undefined && at !== undefined && at < known.at) return false;
      const { resourceVersion, ...rest } = current;
      await store.replace({ ...rest, labels: { ...current.labels, ...PULL_REQUEST_LEASE_LABELS }, annotations: annotations(current.annotations) }, resourceVersion);
      return true;
    } catch (error) {
      if (!(error instanceof LeaseConflictError) || attempt >= NOTE_ATTEMPTS) throw error;
    }
  }
}

/**
 * Deletes a closed pull request's Lease, unless a replica holds its claim now (that plan's Lease then stays until it
 * is reopened or a later close finds it free). Returns whether it was deleted.
 */
export async function forgetPullRequest(store: LeaseStore, repository: string, pullNumber: number, now: number): Promise<boolean> {
  const lease = await store.get(pullRequestLeaseName(repository, pullNumber));
  if (!lease || !isLeaseFree(lease, now)) return false;
  return store.delete(lease.name, lease.resourceVersion);
}

/** The newest head any replica noted for the pull request; undefined when none did. */
export async function newestPullRequestHead(store: LeaseStore, repository: string, pullNumber: number): Promise<string | undefined> {
  return newestHeadOf(await store.get(pullRequestLeaseName(repository, pullNumber)))?.sha;
}
