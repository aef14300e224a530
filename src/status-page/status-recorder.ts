/**
 * What the status page shows beyond the Lease records: small, bounded, in-memory notes taken from what the bot
 * already does (the plans and applies its engine runs, the GitHub answers and deliveries it receives). Nothing is
 * stored elsewhere; a restarted replica starts empty and learns again from its next deliveries and passes. Only
 * names, counts, commit ids and commit titles are kept: never a manifest, a diff, a token or a file's content.
 */
import { ACTIONS, type Action } from '../core/action.js';
import type { ApplyResult } from '../core/apply/apply-result.js';
import { formatObjectId } from '../core/object-id.js';
import type { Plan } from '../core/plan/plan.js';

export type ActionCounts = Readonly<Record<Action, number>>;

/** A target as the last plan of the default branch saw it. */
export interface TargetObservation {
  readonly target: string;
  readonly reachable: boolean;
  /** Why it was not reachable (the connector's message). */
  readonly error?: string;
  /** Objects kkp-gitops manages there, by kind (the live ones it pairs with the repository, or prunes). */
  readonly objectsByKind: Readonly<Record<string, number>>;
  /** Objects edited outside Git (`seed-eu: Cluster/shop`), at most `MAX_LISTED` of them. */
  readonly drift: readonly string[];
  readonly driftCount: number;
  readonly commit?: string;
  /** RFC 3339. */
  readonly at: string;
}

/** The last apply of one target this replica ran. */
export interface TargetApply {
  readonly target: string;
  readonly commit?: string;
  readonly status: string;
  readonly at: string;
  readonly replica: string;
}

export interface PlanSummary {
  readonly commit?: string;
  readonly counts: ActionCounts;
  /** Destructive changes (Cluster or Seed deletes, datacenters removed), listed first on the page. */
  readonly destructive: readonly string[];
  readonly unreachable: number;
  readonly at: string;
}

export interface PullRequestObservation {
  readonly number: number;
  readonly url?: string;
  readonly headSha: string;
  readonly headRef?: string;
  /** The sticky plan comment. */
  readonly commentUrl?: string;
  readonly plan?: PlanSummary;
}

export interface ReconcileEntry {
  readonly repository: string;
  readonly kind: 'plan' | 'apply';
  readonly commit?: string;
  /** `applied`, `failed`, `unreachable`, `changes`, `no changes`, `error`. */
  readonly outcome: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly replica: string;
}

export interface RepositoryObservation {
  readonly fullName: string;
  readonly url?: string;
  readonly defaultBranch?: string;
  readonly head?: { readonly sha: string; readonly title?: string };
  readonly targets: ReadonlyMap<string, TargetObservation>;
  readonly applies: ReadonlyMap<string, TargetApply>;
  readonly pullRequests: ReadonlyMap<number, PullRequestObservation>;
  /** The pull request a commit was merged from, by commit. */
  readonly mergedFrom: ReadonlyMap<string, { readonly number: number; readonly url?: string }>;
}

export interface StatusRecorderOptions {
  /** Default: 1,000 repositories (the least recently seen dropped first). */
  readonly maxRepositories?: number;
  /** Default: 50 reconciles. */
  readonly maxReconciles?: number;
  /** Default: 200 open pull requests per repository. */
  readonly maxPullRequests?: number;
  /** Default: 500 targets per repository. */
  readonly maxTargets?: number;
}

export interface StatusRecorder {
  readonly replica: () => string;
  repositories(): readonly RepositoryObservation[];
  repository(fullName: string): RepositoryObservation | undefined;
  /** Newest first. */
  reconciles(): readonly ReconcileEntry[];
  recordRepository(fullName: string, facts: { url?: string; defaultBranch?: string }): void;
  recordHead(fullName: string, branch: string, sha: string, title?: string): void;
  recordPullRequest(fullName: string, pr: { number: number; state: string; headSha: string; headRef?: string; url?: string }): void;
  recordPlanComment(fullName: string, number: number, url: string): void;
  recordMergedFrom(fullName: string, sha: string, pr: { number: number; url?: string }): void;
  recordPlan(plan: Plan, startedAt: number, durationMs: number): void;
  recordApply(result: ApplyResult, startedAt: number, durationMs: number): void;
  recordFailure(repository: string, kind: 'plan' | 'apply', startedAt: number, durationMs: number, commit?: string): void;
}

/** Objects and drift entries listed per target; the counts stay exact. */
export const MAX_LISTED = 50;

interface MutableRepository {
  fullName: string;
  url?: string;
  defaultBranch?: string;
  head?: { sha: string; title?: string };
  targets: Map<string, TargetObservation>;
  applies: Map<string, TargetApply>;
  pullRequests: Map<number, PullRequestObservation>;
  mergedFrom: Map<string, { number: number; url?: string }>;
}

export function createStatusRecorder(replica: () => string, options: StatusRecorderOptions = {}): StatusRecorder {
  const maxRepositories = options.maxRepositories ?? 1000;
  const maxReconciles = options.maxReconciles ?? 50;
  const maxPullRequests = options.maxPullRequests ?? 200;
  const maxTargets = options.maxTargets ?? 500;
  const repositories = new Map<string, MutableRepository>();
  const reconciles: ReconcileEntry[] = [];

  const repo = (fullName: string): MutableRepository => {
    let found = repositories.get(fullName);
    if (found) {
      repositories.delete(fullName);
      repositories.set(fullName, found);
      return found;
    }
    found = { fullName, targets: new Map(), applies: new Map(), pullRequests: new Map(), mergedFrom: new Map() };
    repositories.set(fullName, found);
    while (repositories.size > maxRepositories) repositories.delete(repositories.keys().next().value as string);
    return found;
  };
  const bounded = <K, V>(map: Map<K, V>, key: K, value: V, limit: number) => {
    map.delete(key);
    map.set(key, value);
    while (map.size > limit) map.delete(map.keys().next().value as K);
  };
  const iso = (ms: number) => new Date(ms).toISOString();
  const addReconcile = (entry: ReconcileEntry) => {
    reconciles.unshift(entry);
    if (reconciles.length > maxReconciles) reconciles.length = maxReconciles;
  };

  return {
    replica,
    repositories: () => [...repositories.values()].sort((a, b) => a.fullName.localeCompare(b.fullName)),
    repository: (fullName) => repositories.get(fullName),
    reconciles: () => [...reconciles],
    recordRepository(fullName, facts) {
      const r = repo(fullName);
      if (facts.url !== undefined && isWebUrl(facts.url)) r.url = facts.url;
      if (facts.defaultBranch !== undefined) r.defaultBranch = facts.defaultBranch;
    },
    recordHead(fullName, branch, sha, title) {
      const r = repo(fullName);
      if (r.defaultBranch !== undefined && r.defaultBranch !== branch) return;
      r.head = { sha, ...(title ? { title: firstLine(title) } : {}) };
    },
    recordPullRequest(fullName, pr) {
      const r = repo(fullName);
      if (pr.state !== 'open') {
        r.pullRequests.delete(pr.number);
        return;
      }
      const known = r.pullRequests.get(pr.number);
      const next: PullRequestObservation = {
        ...known,
        number: pr.number,
        headSha: pr.headSha,
        ...(pr.headRef !== undefined ? { headRef: pr.headRef } : {}),
        ...(pr.url !== undefined && isWebUrl(pr.url) ? { url: pr.url } : {}),
      };
      // A new head has no plan yet.
      if (known?.plan && known.headSha !== pr.headSha) delete (next as { plan?: PlanSummary }).plan;
      bounded(r.pullRequests, pr.number, next, maxPullRequests);
    },
    recordPlanComment(fullName, number, url) {
      const r = repo(fullName);
      const known = r.pullRequests.get(number);
      if (known && isWebUrl(url)) r.pullRequests.set(number, { ...known, commentUrl: url });
    },
    recordMergedFrom(fullName, sha, pr) {
      const r = repo(fullName);
      bounded(r.mergedFrom, sha, { number: pr.number, ...(pr.url !== undefined && isWebUrl(pr.url) ? { url: pr.url } : {}) }, 20);
    },
    recordPlan(plan, startedAt, durationMs) {
      const r = repo(plan.repository);
      const summary = summarize(plan, iso(startedAt + durationMs));
      const outcome = summary.unreachable > 0 ? 'unreachable' : ACTIONS.some((a) => a !== 'unchanged' && a !== 'skip' && summary.counts[a] > 0) ? 'changes' : 'no changes';
      addReconcile({ repository: plan.repository, kind: 'plan', ...(plan.commit ? { commit: plan.commit } : {}), outcome, startedAt: iso(startedAt), durationMs, replica: replica() });
      const pulls = [...r.pullRequests.values()].filter((p) => p.headSha === plan.commit);
      for (const pr of pulls) r.pullRequests.set(pr.number, { ...pr, plan: summary });
      // A pull request's plan says what the pull request would do; the targets' state comes from default-branch plans.
      if (pulls.length > 0) return;
      for (const target of plan.targets) bounded(r.targets, target.target, observeTarget(target, plan.commit, iso(startedAt + durationMs)), maxTargets);
    },
    recordApply(result, startedAt, durationMs) {
      const r = repo(result.repository);
      if (result.dryRun) return;
      const at = iso(startedAt + durationMs);
      for (const target of result.targets) {
        bounded(r.applies, target.target, { target: target.target, ...(result.commit ? { commit: result.commit } : {}), status: target.status, at, replica: replica() }, maxTargets);
      }
      const failed = result.targets.find((t) => t.status !== 'applied');
      addReconcile({ repository: result.repository, kind: 'apply', ...(result.commit ? { commit: result.commit } : {}), outcome: failed ? failed.status : 'applied', startedAt: iso(startedAt), durationMs, replica: replica() });
    },
    recordFailure(repository, kind, startedAt, durationMs, commit) {
      addReconcile({ repository, kind, ...(commit ? { commit } : {}), outcome: 'error', startedAt: iso(startedAt), durationMs, replica: replica() });
    },
  };
}

function summarize(plan: Plan, at: string): PlanSummary {
  const counts = Object.fromEntries(ACTIONS.map((a) => [a, 0])) as Record<Action, number>;
  const destructive: string[] = [];
  for (const target of plan.targets) {
    for (const stage of target.stages) {
      for (const change of stage.changes) {
        counts[change.action]++;
        if (change.destructive && change.action !== 'skip' && destructive.length < MAX_LISTED) destructive.push(`${change.action} ${formatObjectId(change.id)}`);
      }
    }
  }
  return { ...(plan.commit ? { commit: plan.commit } : {}), counts, destructive, unreachable: plan.targets.filter((t) => t.status === 'unreachable').length, at };
}

function observeTarget(target: Plan['targets'][number], commit: string | undefined, at: string): TargetObservation {
  const objectsByKind: Record<string, number> = {};
  const drift: string[] = [];
  let driftCount = 0;
  for (const stage of target.stages) {
    for (const change of stage.changes) {
      // A create is not live yet; everything else is an object kkp-gitops manages there.
      if (change.action !== 'create') objectsByKind[change.id.kind] = (objectsByKind[change.id.kind] ?? 0) + 1;
      if (change.drift) {
        driftCount++;
        if (drift.length < MAX_LISTED) drift.push(formatObjectId(change.id));
      }
    }
  }
  return {
    target: target.target,
    reachable: target.status === 'ready',
    ...(target.error ? { error: target.error } : {}),
    objectsByKind,
    drift,
    driftCount,
    ...(commit ? { commit } : {}),
    at,
  };
}

/** Only http(s) links are ever rendered (a `javascript:` URL from a hostile answer never becomes a link). */
export function isWebUrl(text: string): boolean {
  return /^https?:\/\/[^\s"'<>]+$/i.test(text);
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').slice(0, 200);
}
