/** The drift in a plan of the applied head: each row that is not `unchanged`, by identity and how it drifted. */
import { formatObjectId } from '../../core/object-id.js';
import type { Plan } from '../../core/plan/plan.js';
import { toReportView, type ReportRow } from '../../core/report/report-view.js';
import type { DriftedObject } from './drift-report.js';

/** The rows of a plan of the applied head that are drift. Skipped changes (a destructive delete without allowance) are not. */
export function driftedObjects(plan: Plan): DriftedObject[] {
  return toReportView(plan)
    .targets.flatMap((t) => t.rows)
    .filter((r) => r.plannedAction !== 'unchanged' && (r.plannedAction !== 'skip' || r.drift))
    .map((r) => ({ object: formatObjectId(r.id), how: howDrifted(r), fields: r.diff.map((d) => d.path) }));
}

function howDrifted(r: ReportRow): DriftedObject['how'] {
  if (r.plannedAction === 'create') return 'missing';
  if (r.plannedAction === 'delete') return 'extra';
  return r.drift ? 'edited' : 'differs';
}
