/**
 * What a repository's Lease remembers besides its holder: which commit of the default branch is applied, and which
 * one is being applied (set before the first write to a cluster, cleared after the last), so that a reconcile cut
 * short by a crash is found and finished after a restart. Kept as annotations on the Lease itself: one object per
 * repository, written with the lock's own resourceVersion by the holder only, so the record can never disagree with
 * who holds the lock, and the Kubernetes API stays the only store.
 *
 * | annotation | value |
 * |---|---|
 * | `gitops.kkp.dev/repository` | `owner/name` |
 * | `gitops.kkp.dev/installation-id` | the GitHub App installation that covers it |
 * | `gitops.kkp.dev/default-branch` | `main` |
 * | `gitops.kkp.dev/applied-commit` | the last commit applied to every target without failure |
 * | `gitops.kkp.dev/applied-at` | when (RFC 3339) |
 * | `gitops.kkp.dev/applied-policy` | the policy that governed the applied commit (`allowDeletions=false,selfHeal=false,massDeletionMaxShare=0.5`): drift self-heal of that commit obeys it, not the commit's own |
 * | `gitops.kkp.dev/applying-commit` | the commit being applied now; set means "interrupted" when nobody holds the lock |
 * | `gitops.kkp.dev/applying-holder` | who started applying it |
 * | `gitops.kkp.dev/deployments` | the GitHub deployment ids of that apply, comma-separated |
 * | `gitops.kkp.dev/attempted-commit` | the last commit whose apply finished without applying everything |
 * | `gitops.kkp.dev/attempt-outcome` | `failed` (some target failed: retried) or `invalid` (validation errors: not retried) |
 * | `gitops.kkp.dev/rollout-commit` | the commit whose rollout stopped before its last wave |
 * | `gitops.kkp.dev/rollout-wave` | the wave it stopped at (1 is the master) |
 * | `gitops.kkp.dev/rollout-state` | `halted` (the wave was unhealthy: not retried until `/kkp resume` or a new commit) or `waiting` (outside the wave's change window) |
 * | `gitops.kkp.dev/rollout-until` | for `waiting`: when the window opens (RFC 3339); recovery resumes the rollout then |
 */
import { DEFAULT_REPOSITORY_CONFIG, type RepositoryConfig } from '../core/config/repository-config.js';
import type { LeaseState } from './lease-store.js';

export const RECORD_ANNOTATIONS = {
  repository: 'gitops.kkp.dev/repository',
  installationId: 'gitops.kkp.dev/installation-id',
  defaultBranch: 'gitops.kkp.dev/default-branch',
  appliedCommit: 'gitops.kkp.dev/applied-commit',
  appliedAt: 'gitops.kkp.dev/applied-at',
  appliedPolicy: 'gitops.kkp.dev/applied-policy',
  applyingCommit: 'gitops.kkp.dev/applying-commit',
  applyingHolder: 'gitops.kkp.dev/applying-holder',
  deployments: 'gitops.kkp.dev/deployments',
  attemptedCommit: 'gitops.kkp.dev/attempted-commit',
  attemptOutcome: 'gitops.kkp.dev/attempt-outcome',
  rolloutCommit: 'gitops.kkp.dev/rollout-commit',
  rolloutWave: 'gitops.kkp.dev/rollout-wave',
  rolloutState: 'gitops.kkp.dev/rollout-state',
  rolloutUntil: 'gitops.kkp.dev/rollout-until',
} as const;

/** Labels of every repository Lease: recovery lists them by these. */
export const REPOSITORY_LEASE_LABELS: Readonly<Record<string, string>> = {
  'app.kubernetes.io/managed-by': 'kkp-gitops',
  'gitops.kkp.dev/lock': 'repository',
};

export type AttemptOutcome = 'failed' | 'invalid';

/** Where a rollout that did not reach its last wave stands. */
export interface RolloutState {
  readonly commit: string;
  /** The wave it stopped at (1 is the master). */
  readonly wave: number;
  /** `halted`: the wave was unhealthy (`haltOnFailure`); `waiting`: outside the wave's change window. */
  readonly state: 'halted' | 'waiting';
  /** For `waiting`: when the window opens (RFC 3339). */
  readonly until?: string;
}

export interface AppliedRecord {
  readonly repository: string;
  readonly installationId?: number;
  readonly defaultBranch?: string;
  readonly appliedCommit?: string;
  /** RFC 3339. */
  readonly appliedAt?: string;
  /** The policy that governed the apply of `appliedCommit` (the policy of the commit applied before it). */
  readonly appliedPolicy?: RepositoryConfig['policy'];
  readonly applyingCommit?: string;
  readonly applyingHolder?: string;
  /** Deployments of the apply in progress (empty when none is). */
  readonly deployments: readonly number[];
  readonly attemptedCommit?: string;
  readonly attemptOutcome?: AttemptOutcome;
  readonly rollout?: RolloutState;
}

/** The record on a Lease; `undefined` when the Lease has none yet (no reconcile ever started). */
export function readAppliedRecord(lease: Pick<LeaseState, 'annotations'>): AppliedRecord | undefined {
  const a = lease.annotations;
  const repository = a[RECORD_ANNOTATIONS.repository];
  if (!repository) return undefined;
  const text = (key: keyof typeof RECORD_ANNOTATIONS) => a[RECORD_ANNOTATIONS[key]] || undefined;
  const installationId = Number(text('installationId'));
  const outcome = text('attemptOutcome');
  return {
    repository,
    ...(Number.isSafeInteger(installationId) && installationId > 0 ? { installationId } : {}),
    ...optional('defaultBranch', text('defaultBranch')),
    ...optional('appliedCommit', text('appliedCommit')),
    ...optional('appliedAt', text('appliedAt')),
    ...parsePolicy(text('appliedPolicy')),
    ...optional('applyingCommit', text('applyingCommit')),
    ...optional('applyingHolder', text('applyingHolder')),
    deployments: (text('deployments') ?? '')
      .split(',')
      .map((id) => Number(id.trim()))
      .filter((id) => Number.isSafeInteger(id) && id > 0),
    ...optional('attemptedCommit', text('attemptedCommit')),
    ...(outcome === 'failed' || outcome === 'invalid' ? { attemptOutcome: outcome } : {}),
    ...parseRollout(text('rolloutCommit'), text('rolloutWave'), text('rolloutState'), text('rolloutUntil')),
  };
}

function parseRollout(commit: string | undefined, wave: string | undefined, state: string | undefined, until: string | undefined): { rollout?: RolloutState } {
  const number = Number(wave);
  if (!commit || !Number.isSafeInteger(number) || number < 1 || (state !== 'halted' && state !== 'waiting')) return {};
  return { rollout: { commit, wave: number, state, ...(until && !Number.isNaN(Date.parse(until)) ? { until } : {}) } };
}

/** The record as annotations; fields left out are absent (so a write removes them). */
export function recordAnnotations(record: AppliedRecord): Record<string, string> {
  const out: Record<string, string> = { [RECORD_ANNOTATIONS.repository]: record.repository };
  const put = (key: keyof typeof RECORD_ANNOTATIONS, value: string | number | undefined) => {
    if (value !== undefined && value !== '') out[RECORD_ANNOTATIONS[key]] = String(value);
  };
  put('installationId', record.installationId);
  put('defaultBranch', record.defaultBranch);
  put('appliedCommit', record.appliedCommit);
  put('appliedAt', record.appliedAt);
  put('appliedPolicy', record.appliedPolicy ? policyText(record.appliedPolicy) : undefined);
  put('applyingCommit', record.applyingCommit);
  put('applyingHolder', record.applyingHolder);
  put('deployments', record.deployments.join(','));
  put('attemptedCommit', record.attemptedCommit);
  put('attemptOutcome', record.attemptOutcome);
  put('rolloutCommit', record.rollout?.commit);
  put('rolloutWave', record.rollout?.wave);
  put('rolloutState', record.rollout?.state);
  put('rolloutUntil', record.rollout?.until);
  return out;
}

/** The Lease's annotations that are not part of the record (someone else's), kept on every write. */
export function otherAnnotations(annotations: Readonly<Record<string, string>>): Record<string, string> {
  const ours = new Set<string>(Object.values(RECORD_ANNOTATIONS));
  return Object.fromEntries(Object.entries(annotations).filter(([key]) => !ours.has(key)));
}

function policyText(policy: RepositoryConfig['policy']): string {
  return `allowDeletions=${policy.allowDeletions},selfHeal=${policy.selfHeal},massDeletionMaxShare=${policy.massDeletion.maxShare}`;
}

/**
 * `allowDeletions=true,selfHeal=false[,massDeletionMaxShare=0.5]` (records written before the share was settable
 * have none: the default share); anything else is left out (the strict defaults then govern).
 */
function parsePolicy(text: string | undefined): { appliedPolicy?: RepositoryConfig['policy'] } {
  const match = /^allowDeletions=(true|false),selfHeal=(true|false)(?:,massDeletionMaxShare=([0-9.e+-]{1,24}))?$/.exec(text ?? '');
  if (!match) return {};
  const maxShare = match[3] === undefined ? DEFAULT_REPOSITORY_CONFIG.policy.massDeletion.maxShare : Number(match[3]);
  if (!(maxShare >= 0 && maxShare <= 1)) return {};
  return { appliedPolicy: { allowDeletions: match[1] === 'true', selfHeal: match[2] === 'true', massDeletion: { maxShare } } };
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
