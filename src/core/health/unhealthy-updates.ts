/**
 * What a plan says about health: the objects a target's plan would update that KKP reports unhealthy now
 * (`objectHealth` of the live object), so that an update to an already broken cluster is flagged before it is
 * merged. Objects KKP reports still progressing (or without any status yet) are not flagged.
 */
import { formatObjectId, type ObjectId } from '../object-id.js';
import type { LiveTarget } from '../plan/live-state.js';
import type { TargetPlan, UnhealthyObject } from '../plan/plan.js';
import { objectHealth } from './object-health.js';

export function unhealthyUpdates(target: TargetPlan, live: LiveTarget | undefined): UnhealthyObject[] {
  if (!live?.reachable) return [];
  const updates = target.stages.flatMap((s) => s.changes).filter((c) => c.action === 'update');
  if (updates.length === 0) return [];
  const byKey = new Map(live.objects.map((o) => [key({ target: target.target, apiVersion: o.apiVersion, kind: o.kind, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}), name: o.metadata.name }), o]));
  const out: UnhealthyObject[] = [];
  for (const change of updates) {
    const object = byKey.get(key(change.id));
    if (!object) continue;
    const health = objectHealth(object);
    if (health.state === 'unhealthy') out.push({ id: change.id, reasons: health.reasons });
  }
  return out;
}

function key(id: ObjectId): string {
  return formatObjectId(id);
}
