import { checkDrift, type DriftDeps } from './check-drift.js';
import { createDriftMemory, type DriftMemory } from './drift-memory.js';
import type { DriftReport } from './drift-report.js';
import type { KnownRepository } from './known-repository.js';

/** One pass over every known repository, one after the other. */
export async function checkAllDrift(deps: DriftDeps, memory: DriftMemory = createDriftMemory()): Promise<DriftReport[]> {
  const run = deps.run ?? (<T>(_repository: string, job: () => Promise<T>) => job());
  const reports: DriftReport[] = [];
  let known: KnownRepository[];
  try {
    known = await deps.known();
  } catch (error) {
    deps.app.log.error({ err: error }, 'kkp-gitops could not list the repositories to check for drift');
    return [];
  }
  for (const repository of known) reports.push(await run(repository.fullName, () => checkDrift(deps, repository, memory)));
  return reports;
}
