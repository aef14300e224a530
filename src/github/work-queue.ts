/**
 * Work started by webhooks runs after the delivery was answered (GitHub waits at most 10 s; the plan may take
 * longer). Jobs with the same key (a repository) run one after the other, in the order they came, others in
 * parallel. A job may name a coalescing slot (a pull request's plan: `pr:42`): a newer job for the same slot replaces
 * the one still waiting, so only the newest plan of a pull request runs. The newer job takes the older one's place
 * in the line (skipping ahead) when only other coalescing jobs lie between them; when a job without a slot (a push,
 * a command) lies between, it goes to the end instead, so that it sees what that job did. A running job is never
 * interrupted here: it checks itself whether it is still wanted (see `plan-pull-request.ts`).
 * `idle()` resolves when nothing is queued or running: tests and benchmarks await it.
 *
 * Also here: the memory of delivery ids already seen, so that a delivery GitHub sends again does nothing.
 */
export interface JobOptions {
  /** Jobs of one key with the same slot coalesce while waiting: the newest wins. Default: none (never dropped). */
  readonly coalesce?: string;
}

export interface WorkQueue {
  /** Queues `job` behind the other jobs of `key`; failures go to `onError`, never to the caller. */
  enqueue(key: string, job: () => Promise<void>, options?: JobOptions): void;
  /** Resolves once every queued job has finished. */
  idle(): Promise<void>;
  /** Jobs queued or running. */
  readonly size: number;
}

export interface WorkQueueOptions {
  /** A job failed (after its own retries). */
  readonly onError: (error: unknown, key: string) => void;
  /** A waiting job was replaced by a newer one of its slot. Default: nothing. */
  readonly onDropped?: (key: string, slot: string) => void;
  /**
   * The number of jobs queued or running changed: called on every entry, drop and exit, whoever queued the job
   * (deliveries, recovery, drift), with the new `size`. Default: nothing.
   */
  readonly onSizeChange?: (size: number) => void;
}

interface Waiting {
  readonly job: () => Promise<void>;
  readonly slot: string | undefined;
}

interface Lane {
  running: boolean;
  readonly waiting: Waiting[];
}

export function createWorkQueue(options: WorkQueueOptions | ((error: unknown, key: string) => void)): WorkQueue {
  const { onError, onDropped, onSizeChange } = typeof options === 'function' ? { onError: options, onDropped: undefined, onSizeChange: undefined } : options;
  const lanes = new Map<string, Lane>();
  let waiters: (() => void)[] = [];

  const size = () => [...lanes.values()].reduce((sum, lane) => sum + lane.waiting.length + (lane.running ? 1 : 0), 0);

  const wakeIfIdle = () => {
    if (size() > 0) return;
    const wake = waiters;
    waiters = [];
    for (const w of wake) w();
  };

  const runNext = (key: string, lane: Lane) => {
    const next = lane.waiting.shift();
    if (!next) {
      lane.running = false;
      lanes.delete(key);
      wakeIfIdle();
      return;
    }
    lane.running = true;
    void Promise.resolve()
      .then(next.job)
      .catch((error: unknown) => onError(error, key))
      .finally(() => {
        // The finished job leaves: the count drops before the next one of the lane is taken.
        lane.running = false;
        onSizeChange?.(size());
        runNext(key, lane);
      });
  };

  return {
    enqueue(key, job, jobOptions = {}) {
      let lane = lanes.get(key);
      if (!lane) {
        lane = { running: false, waiting: [] };
        lanes.set(key, lane);
      }
      const entry: Waiting = { job, slot: jobOptions.coalesce };
      const older = entry.slot === undefined ? -1 : lane.waiting.findIndex((w) => w.slot === entry.slot);
      if (older < 0) lane.waiting.push(entry);
      else {
        if (lane.waiting.slice(older + 1).every((w) => w.slot !== undefined)) lane.waiting[older] = entry;
        else {
          lane.waiting.splice(older, 1);
          lane.waiting.push(entry);
        }
        onDropped?.(key, entry.slot!);
      }
      onSizeChange?.(size());
      if (!lane.running) runNext(key, lane);
    },
    idle() {
      return size() === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve));
    },
    get size() {
      return size();
    },
  };
}

export interface SeenDeliveriesOptions {
  /** Ids remembered at most; the oldest are forgotten first. Default: 10,000. */
  readonly limit?: number;
  /** How long an id is remembered. Default: 1 hour (GitHub redelivers within minutes). */
  readonly ttlMs?: number;
  /** Milliseconds now. Default: `Date.now`. */
  readonly now?: () => number;
}

export interface SeenDeliveries {
  /** True the first time `id` is seen (within the memory's bounds), false for a repeat. */
  firstTime(id: string): boolean;
}

/** A bounded, time-limited memory of webhook delivery ids (`X-GitHub-Delivery`). */
export function createSeenDeliveries(options: SeenDeliveriesOptions = {}): SeenDeliveries {
  const limit = options.limit ?? 10_000;
  const ttlMs = options.ttlMs ?? 60 * 60 * 1000;
  const now = options.now ?? Date.now;
  // Insertion order is arrival order: the oldest come first.
  const seen = new Map<string, number>();
  return {
    firstTime(id) {
      const time = now();
      for (const [old, at] of seen) {
        if (time - at < ttlMs) break;
        seen.delete(old);
      }
      if (seen.has(id)) return false;
      for (const old of seen.keys()) {
        if (seen.size < limit) break;
        seen.delete(old);
      }
      seen.set(id, time);
      return true;
    },
  };
}
