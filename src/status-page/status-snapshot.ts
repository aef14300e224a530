/**
 * The status page's data (also its JSON twin): the repository records and locks read from the Leases, joined with
 * this replica's notes (`StatusRecorder`). Pure: the Leases come in as data.
 */
import { readAppliedRecord, type AppliedRecord } from '../coordination/applied-record.js';
import type { LeaseState } from '../coordination/lease-store.js';
import type { PlanSummary, PullRequestObservation, ReconcileEntry, RepositoryObservation, StatusRecorder } from './status-recorder.js';

export interface LinkedCommit {
  readonly sha: string;
  readonly title?: string;
  readonly url?: string;
}

export interface LockStatus {
  /** The Lease's holder; absent when nobody holds it. */
  readonly holder?: string;
  /** RFC 3339: when the holder acquired it. */
  readonly since?: string;
  /** The holder stopped renewing (crashed): another replica takes over. */
  readonly expired: boolean;
}

export interface TargetStatus {
  readonly target: string;
  readonly appliedCommit?: string;
  readonly appliedAt?: string;
  /** The replica that applied it, when this replica knows (its own applies). */
  readonly appliedBy?: string;
  /** The last apply's outcome on this target seen by this replica: applied, failed, unreachable. */
  readonly applyStatus?: string;
  readonly reachable?: boolean;
  readonly error?: string;
  readonly objectsByKind: Readonly<Record<string, number>>;
  readonly objectCount: number;
  readonly drift: readonly string[];
  readonly driftCount: number;
  /** When the last default-branch plan (a drift pass, a reconcile) looked at it. */
  readonly checkedAt?: string;
}

/** An open pull request as the page shows it: what the notes hold of it. */
export type PullRequestStatus = PullRequestObservation;

export interface RepositoryStatus {
  readonly fullName: string;
  readonly url?: string;
  readonly defaultBranch?: string;
  readonly head?: LinkedCommit;
  readonly applied?: LinkedCommit & { readonly at?: string; readonly mergedPullRequest?: { readonly number: number; readonly url?: string }; readonly deploymentsUrl?: string; readonly checksUrl?: string };
  /** An apply in progress (or cut short, when nobody holds the lock). */
  readonly applying?: { readonly commit: string; readonly holder?: string };
  readonly lastAttempt?: { readonly commit: string; readonly outcome: string };
  readonly lock: LockStatus;
  readonly targets: readonly TargetStatus[];
  readonly pullRequests: readonly PullRequestStatus[];
}

export interface StatusSnapshot {
  readonly generatedAt: string;
  /** The replica that answered (its Lease holder identity). */
  readonly replica: string;
  /** Why the Lease records could not be read, if they could not. */
  readonly leaseError?: string;
  readonly repositories: readonly RepositoryStatus[];
  /** Newest first. */
  readonly reconciles: readonly ReconcileEntry[];
}

export interface SnapshotInput {
  readonly recorder: StatusRecorder;
  /** The repository Leases, or why they could not be read. */
  readonly leases: readonly LeaseState[] | { readonly error: string };
  readonly now: number;
  /** Only this repository (`owner/name`): the repository page needs no other. Default: every repository. */
  readonly only?: string;
}

export function buildStatusSnapshot(input: SnapshotInput): StatusSnapshot {
  const leases = Array.isArray(input.leases) ? (input.leases as readonly LeaseState[]) : [];
  const byRepository = new Map<string, { record: AppliedRecord; lease: LeaseState }>();
  for (const lease of leases) {
    const record = readAppliedRecord(lease);
    if (record) byRepository.set(record.repository, { record, lease });
  }
  const names = input.only !== undefined ? new Set(byRepository.has(input.only) || input.recorder.repository(input.only) ? [input.only] : []) : new Set([...byRepository.keys(), ...input.recorder.repositories().map((r) => r.fullName)]);
  const repositories = [...names].sort().map((name) => repositoryStatus(name, byRepository.get(name), input.recorder.repository(name), input.now));
  return {
    generatedAt: new Date(input.now).toISOString(),
    replica: input.recorder.replica(),
    ...(Array.isArray(input.leases) ? {} : { leaseError: (input.leases as { error: string }).error }),
    repositories,
    reconciles: input.recorder.reconciles(),
  };
}

function repositoryStatus(fullName: string, stored: { record: AppliedRecord; lease: LeaseState } | undefined, seen: RepositoryObservation | undefined, now: number): RepositoryStatus {
  const record = stored?.record;
  const url = seen?.url;
  const commitUrl = (sha: string) => (url ? `${url}/commit/${sha}` : undefined);
  const linked = (sha: string, title?: string): LinkedCommit => ({ sha, ...(title ? { title } : {}), ...optional('url', commitUrl(sha)) });
  const head = seen?.head;
  const appliedSha = record?.appliedCommit;
  const merged = appliedSha ? seen?.mergedFrom.get(appliedSha) : undefined;
  return {
    fullName,
    ...optional('url', url),
    ...optional('defaultBranch', seen?.defaultBranch ?? record?.defaultBranch),
    ...(head ? { head: linked(head.sha, head.title) } : {}),
    ...(appliedSha
      ? {
          applied: {
            ...linked(appliedSha, head?.sha === appliedSha ? head.title : undefined),
            ...optional('at', record?.appliedAt),
            ...(merged ? { mergedPullRequest: merged } : {}),
            ...optional('deploymentsUrl', url ? `${url}/deployments` : undefined),
            ...optional('checksUrl', url ? `${url}/commit/${appliedSha}/checks` : undefined),
          },
        }
      : {}),
    ...(record?.applyingCommit ? { applying: { commit: record.applyingCommit, ...optional('holder', record.applyingHolder) } } : {}),
    ...(record?.attemptedCommit && record.attemptOutcome ? { lastAttempt: { commit: record.attemptedCommit, outcome: record.attemptOutcome } } : {}),
    lock: lockStatus(stored?.lease, now),
    targets: targetStatuses(record, seen),
    pullRequests: [...(seen?.pullRequests.values() ?? [])].sort((a, b) => a.number - b.number),
  };
}

function lockStatus(lease: LeaseState | undefined, now: number): LockStatus {
  if (!lease?.holderIdentity) return { expired: false };
  const renewed = lease.renewTime ?? lease.acquireTime;
  const expired = renewed !== undefined && lease.leaseDurationSeconds !== undefined && renewed + lease.leaseDurationSeconds * 1000 < now;
  return { holder: lease.holderIdentity, ...optional('since', lease.acquireTime !== undefined ? new Date(lease.acquireTime).toISOString() : undefined), expired };
}

function targetStatuses(record: AppliedRecord | undefined, seen: RepositoryObservation | undefined): TargetStatus[] {
  const names = new Set([...(seen?.targets.keys() ?? []), ...(seen?.applies.keys() ?? [])]);
  const recordAt = record?.appliedAt ? Date.parse(record.appliedAt) : -Infinity;
  const out: TargetStatus[] = [];
  // Plain assignments, not spreads: this runs for every target of every repository on each request.
  for (const target of [...names].sort(targetOrder)) {
    const observed = seen?.targets.get(target);
    const own = seen?.applies.get(target);
    const status: { -readonly [K in keyof TargetStatus]: TargetStatus[K] } = { target, objectsByKind: observed?.objectsByKind ?? {}, objectCount: 0, drift: observed?.drift ?? [], driftCount: observed?.driftCount ?? 0 };
    // The record says what every target holds after the last complete apply (by any replica); this replica's own
    // apply is newer when it came after it.
    if (own !== undefined && own.status === 'applied' && Date.parse(own.at) >= recordAt) {
      if (own.commit !== undefined) status.appliedCommit = own.commit;
      status.appliedAt = own.at;
      status.appliedBy = own.replica;
    } else if (record?.appliedCommit) {
      status.appliedCommit = record.appliedCommit;
      if (record.appliedAt !== undefined) status.appliedAt = record.appliedAt;
      if (own?.commit === record.appliedCommit) status.appliedBy = own.replica;
    }
    if (own) status.applyStatus = own.status;
    if (observed) {
      status.reachable = observed.reachable;
      if (observed.error !== undefined) status.error = observed.error;
      status.checkedAt = observed.at;
      let count = 0;
      for (const kind in observed.objectsByKind) count += observed.objectsByKind[kind] ?? 0;
      status.objectCount = count;
    }
    out.push(status);
  }
  return out;
}

/** `master` first, then seeds by name. */
function targetOrder(a: string, b: string): number {
  if (a === b) return 0;
  if (a === 'master') return -1;
  if (b === 'master') return 1;
  return a.localeCompare(b);
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
