/**
 * The Prometheus metrics of a kkp-gitops process. `createMetrics()` builds a fresh prom-client `Registry`
 * (nothing global, so tests and several servers in one process never collide) and returns typed handles whose
 * label values come from the project's vocabularies: actions from `core/action.ts`, error kinds from the error
 * classes' `code`.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ACTIONS, type Action } from '../core/action.js';
import { KNOWN_ERROR_KINDS, errorKind } from './error-kind.js';

/** How a webhook delivery ended: `handled` (work done or queued), `ignored` (not for us), `rejected` (bad signature or payload), `failed`. */
export const WEBHOOK_OUTCOMES = ['handled', 'ignored', 'rejected', 'failed'] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

export interface MetricsOptions {
  /** Prefix of every metric name. Default: `kkp_gitops_`. */
  readonly prefix?: string;
  /** Also collect Node.js process metrics (CPU, memory, event loop lag, GC). Default: true. */
  readonly processMetrics?: boolean;
  /** Clock for the commit age computed at scrape time, in epoch milliseconds. Default: `Date.now`. */
  readonly now?: () => number;
  /** Histogram buckets of plan durations, in seconds. Default: 0.05 s to 60 s. */
  readonly planBuckets?: readonly number[];
  /** Histogram buckets of apply durations, in seconds. Default: 0.1 s to 600 s. */
  readonly applyBuckets?: readonly number[];
}

/** Ends a timer started with `startTimer` and records the elapsed seconds. */
export type StopTimer = () => number;

export interface DurationMetric {
  /** Records one duration for `target` (`master` or a seed name), in seconds. */
  observe(target: string, seconds: number): void;
  /** Starts timing for `target`; call the returned function when done. */
  startTimer(target: string): StopTimer;
}

export interface Metrics {
  readonly registry: Registry;
  readonly webhookDeliveries: { inc(event: string, outcome: WebhookOutcome): void };
  readonly planDuration: DurationMetric;
  readonly applyDuration: DurationMetric;
  /** Objects planned or applied, by action and target. */
  readonly changes: {
    inc(target: string, action: Action, count?: number): void;
    /** Adds a whole count table at once, e.g. a plan's or apply result's counts per action. */
    add(target: string, counts: Readonly<Partial<Record<Action, number>>>): void;
  };
  /** Counts an error under its kind (`errorKind`) and returns the kind. */
  readonly errors: { inc(error: unknown): string };
  /** Work items queued or running (set by the queue on every entry and exit). */
  readonly queueDepth: { set(depth: number): void };
  /**
   * The server's live-state cache, read at scrape time: per target and kind, the seconds since it was last known
   * current (`live_cache_age_seconds`), whether the watch serves reads or the next read lists (`live_cache_synced`),
   * and the objects held (`live_cache_objects`).
   */
  readonly liveCache: { observe(source: () => readonly LiveCacheFigures[]): void };
  /** 1 for the holder of each lock this process knows of; `set(lock, undefined)` when nobody (or not us) holds it. */
  readonly lockHolder: { set(lock: string, holder: string | undefined): void };
  /** The time a repository's commit was last applied completely; the age is computed at scrape time. */
  readonly lastAppliedCommit: { record(repository: string, appliedAt: Date): void };
  /** GitHub's `x-ratelimit-remaining`, per rate-limit resource (`core`, `graphql`, ...). */
  readonly githubRateLimit: {
    set(remaining: number, resource?: string): void;
    /** Reads `x-ratelimit-remaining` and `x-ratelimit-resource` from a GitHub response's headers; ignores responses without them. */
    observeHeaders(headers: Readonly<Record<string, string | number | undefined>>): void;
  };
}

/** One cached kind of one target, as `/metrics` shows it. */
export interface LiveCacheFigures {
  readonly target: string;
  readonly kind: string;
  /** Undefined before the first list. */
  readonly ageSeconds: number | undefined;
  readonly synced: boolean;
  readonly objects: number;
}

const DEFAULT_PLAN_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const DEFAULT_APPLY_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const prefix = options.prefix ?? 'kkp_gitops_';
  const now = options.now ?? Date.now;
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix });
  const registers = [registry];

  const deliveries = new Counter({
    name: `${prefix}webhook_deliveries_total`,
    help: 'Webhook deliveries received, by GitHub event and outcome.',
    labelNames: ['event', 'outcome'] as const,
    registers,
  });
  const durations = (name: string, help: string, buckets: readonly number[]): DurationMetric => {
    const histogram = new Histogram({ name, help, labelNames: ['target'] as const, buckets: [...buckets], registers });
    return {
      observe: (target, seconds) => histogram.observe({ target }, seconds),
      startTimer: (target) => histogram.startTimer({ target }),
    };
  };
  const changes = new Counter({
    name: `${prefix}changes_total`,
    help: `Objects planned or applied, by action (${ACTIONS.join('|')}) and target.`,
    labelNames: ['action', 'target'] as const,
    registers,
  });
  const errors = new Counter({
    name: `${prefix}errors_total`,
    help: 'Errors by kind (the error class code; unknown for anything else).',
    labelNames: ['kind'] as const,
    registers,
  });
  for (const kind of [...KNOWN_ERROR_KINDS, 'unknown']) errors.inc({ kind }, 0);
  const queueDepth = new Gauge({ name: `${prefix}queue_depth`, help: 'Work items waiting to run.', registers });
  const lockHolder = new Gauge({
    name: `${prefix}lock_holder`,
    help: 'Lease locks: 1 for the current holder of each lock, as this process sees it.',
    labelNames: ['lock', 'holder'] as const,
    registers,
  });
  const holders = new Map<string, string>();
  const appliedAt = new Map<string, number>();
  new Gauge({
    name: `${prefix}last_applied_commit_age_seconds`,
    help: 'Seconds since the last commit of each repository was applied completely.',
    labelNames: ['repository'] as const,
    registers,
    collect() {
      this.reset();
      for (const [repository, at] of appliedAt) this.set({ repository }, Math.max(0, (now() - at) / 1000));
    },
  });
  let cacheSources: (() => readonly LiveCacheFigures[])[] = [];
  const cacheGauge = (name: string, help: string, value: (f: LiveCacheFigures) => number | undefined) =>
    new Gauge({
      name: `${prefix}${name}`,
      help,
      labelNames: ['target', 'kind'] as const,
      registers,
      collect() {
        this.reset();
        for (const figures of cacheSources.flatMap((source) => source())) {
          const v = value(figures);
          if (v !== undefined) this.set({ target: figures.target, kind: figures.kind }, v);
        }
      },
    });
  cacheGauge('live_cache_age_seconds', 'Seconds since the live-state cache of a kind on a target was last known current (list, watch event or bookmark).', (f) => f.ageSeconds);
  cacheGauge('live_cache_synced', 'Whether the live-state cache of a kind on a target serves reads from its watch (1), or the next read lists (0).', (f) => (f.synced ? 1 : 0));
  cacheGauge('live_cache_objects', 'Objects the live-state cache holds, per target and kind.', (f) => f.objects);
  const rateLimit = new Gauge({
    name: `${prefix}github_rate_limit_remaining`,
    help: 'Requests left in the current GitHub rate-limit window, by resource.',
    labelNames: ['resource'] as const,
    registers,
  });

  return {
    registry,
    webhookDeliveries: { inc: (event, outcome) => deliveries.inc({ event, outcome }) },
    planDuration: durations(`${prefix}plan_duration_seconds`, 'Time to plan one target, in seconds.', options.planBuckets ?? DEFAULT_PLAN_BUCKETS),
    applyDuration: durations(`${prefix}apply_duration_seconds`, 'Time to apply one target, in seconds.', options.applyBuckets ?? DEFAULT_APPLY_BUCKETS),
    changes: {
      inc: (target, action, count = 1) => changes.inc({ action, target }, count),
      add(target, counts) {
        for (const action of ACTIONS) {
          const count = counts[action] ?? 0;
          if (count > 0) changes.inc({ action, target }, count);
        }
      },
    },
    errors: {
      inc(error) {
        const kind = errorKind(error);
        errors.inc({ kind });
        return kind;
      },
    },
    queueDepth: { set: (depth) => queueDepth.set(depth) },
    liveCache: { observe: (source) => void (cacheSources = [...cacheSources, source]) },
    lockHolder: {
      set(lock, holder) {
        const previous = holders.get(lock);
        if (previous !== undefined && previous !== holder) lockHolder.remove({ lock, holder: previous });
        if (holder === undefined) {
          holders.delete(lock);
          return;
        }
        holders.set(lock, holder);
        lockHolder.set({ lock, holder }, 1);
      },
    },
    lastAppliedCommit: { record: (repository, at) => void appliedAt.set(repository, at.getTime()) },
    githubRateLimit: {
      set: (remaining, resource = 'core') => rateLimit.set({ resource }, remaining),
      observeHeaders(headers) {
        const remaining = Number(headers['x-ratelimit-remaining']);
        if (headers['x-ratelimit-remaining'] === undefined || !Number.isFinite(remaining)) return;
        rateLimit.set({ resource: String(headers['x-ratelimit-resource'] ?? 'core') }, remaining);
      },
    },
  };
}
