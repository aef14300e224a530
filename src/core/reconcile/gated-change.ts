/**
 * Changes a person must see and allow before they run: deletions of destructive kinds (Cluster, Seed), removing a
 * datacenter from a Seed, adopting a live object kkp-gitops did not create, and, under the mass-deletion guard,
 * any deletion. Each has one key, its verb and object identity (`delete seed-eu: Cluster/prod-1`), so that an
 * allowance names the exact set it covers.
 */
import { formatObjectId } from '../object-id.js';
import type { Change } from '../plan/plan.js';

/** `delete seed-eu: Cluster/prod-1`, `update master: Seed/kubermatic/seed-eu`, `adopt master: User/bob`. */
export function gateKeyOf(change: Pick<Change, 'id' | 'action' | 'adoption'>): string {
  const verb = change.adoption ? 'adopt' : change.action === 'delete' ? 'delete' : 'update';
  return `${verb} ${formatObjectId(change.id)}`;
}

/** The change removes something or takes something over: it needs an allowance (or the policy) to run. */
export function needsAllowance(change: Pick<Change, 'action' | 'destructive' | 'adoption'>): boolean {
  if (change.action !== 'delete' && change.action !== 'update') return false;
  return change.destructive || change.adoption === true;
}
