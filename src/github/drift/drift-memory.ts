import type { DriftReport } from './drift-report.js';

/** What was last reported per repository, so that the same finding on the same commit is written once. */
export interface DriftMemory {
  isNew(report: DriftReport): boolean;
  remember(report: DriftReport): void;
}

export function createDriftMemory(): DriftMemory {
  const last = new Map<string, string>();
  const fingerprint = (r: DriftReport) => JSON.stringify([r.head, r.status, r.drifted, r.unreachable, r.error]);
  return {
    // A healed finding is news every time: the objects drifted again.
    isNew: (r) => r.status === 'healed' || last.get(r.repository) !== fingerprint(r),
    remember: (r) => void last.set(r.repository, fingerprint(r)),
  };
}
