/**
 * A clock that moves only when a test says so: `advance(ms)` wakes every sleeper whose time has come. `sleepers`
 * tells how many are waiting, so a test can let the code under test reach its next sleep before moving on.
 */
import type { Clock } from '../../src/coordination/clock.js';

export interface ManualClock extends Clock {
  /** Sleepers waiting now. */
  readonly sleepers: number;
  advance(ms: number): void;
}

export function manualClock(start = Date.UTC(2030, 0, 1)): ManualClock {
  let now = start;
  let waiting: { at: number; wake: () => void }[] = [];
  return {
    now: () => now,
    get sleepers() {
      return waiting.length;
    },
    sleep(ms, signal) {
      return new Promise((resolve) => {
        if (signal?.aborted) return resolve();
        const entry = {
          at: now + Math.max(0, ms),
          wake: () => {
            waiting = waiting.filter((w) => w !== entry);
            resolve();
          },
        };
        waiting.push(entry);
        signal?.addEventListener('abort', entry.wake, { once: true });
      });
    },
    advance(ms) {
      now += ms;
      for (const entry of waiting.filter((w) => w.at <= now)) entry.wake();
    },
  };
}
