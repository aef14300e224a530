/**
 * Work started by webhooks runs after the delivery was answered (GitHub waits at most 10 s; the plan may take
 * longer). Jobs with the same key (a repository) run one after the other, others in parallel. `idle()` resolves
 * when nothing is queued or running: tests and benchmarks await it.
 */
export interface WorkQueue {
  /** Queues `job` behind the other jobs of `key`; failures go to `onError`, never to the caller. */
  enqueue(key: string, job: () => Promise<void>): void;
  /** Resolves once every queued job has finished. */
  idle(): Promise<void>;
  /** Jobs queued or running. */
  readonly size: number;
}

export function createWorkQueue(onError: (error: unknown, key: string) => void): WorkQueue {
  const tails = new Map<string, Promise<void>>();
  let pending = 0;
  let waiters: (() => void)[] = [];

  const settle = () => {
    pending--;
    if (pending === 0) {
      const wake = waiters;
      waiters = [];
      for (const w of wake) w();
    }
  };

  return {
    enqueue(key, job) {
      pending++;
      const previous = tails.get(key) ?? Promise.resolve();
      const next = previous
        .then(job)
        .catch((error: unknown) => onError(error, key))
        .finally(settle);
      tails.set(key, next);
      void next.then(() => {
        if (tails.get(key) === next) tails.delete(key);
      });
    },
    idle() {
      return pending === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve));
    },
    get size() {
      return pending;
    },
  };
}
