/** Drift detection on a timer: a pass over every known repository (`checkAllDrift`) every `intervalMs`. */
import { checkAllDrift } from './check-all-drift.js';
import type { DriftDeps } from './check-drift.js';
import { createDriftMemory } from './drift-memory.js';
import type { DriftReport } from './drift-report.js';

/** Default interval between passes: 10 minutes. */
export const DRIFT_DEFAULTS = Object.freeze({ intervalMs: 600_000 });

export interface DriftDetection {
  /** Runs a pass now (after the one in progress, if any). */
  runNow(): Promise<DriftReport[]>;
  /** Stops the timer; resolves once the pass in progress (if any) has ended. */
  stop(): Promise<void>;
}

export interface DriftDetectionOptions {
  /** Time between passes; the first runs one interval after the start. 0: no timer (only `runNow`). Default: 10 min. */
  readonly intervalMs?: number;
}

/** Checks every `intervalMs` (a timer that does not keep the process alive). */
export function startDriftDetection(deps: DriftDeps, options: DriftDetectionOptions = {}): DriftDetection {
  const intervalMs = options.intervalMs ?? DRIFT_DEFAULTS.intervalMs;
  const memory = createDriftMemory();
  let current: Promise<DriftReport[]> = Promise.resolve([]);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const pass = () => {
    current = current.catch(() => []).then(() => checkAllDrift(deps, memory));
    return current;
  };
  const schedule = () => {
    if (stopped || intervalMs <= 0) return;
    timer = setTimeout(() => void pass().finally(schedule), intervalMs);
    timer.unref();
  };
  schedule();
  return {
    runNow: pass,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current.catch(() => undefined);
    },
  };
}
