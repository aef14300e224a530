import { APPLIED_KINDS, type KindInfo } from '../kinds.js';
import { MASTER_TARGET } from '../render/desired-state.js';

/** The kinds a target holds, in apply order: the master's kinds for `master`, the seed kinds for every seed. */
export function kindsOfTarget(target: string): readonly KindInfo[] {
  const where = target === MASTER_TARGET ? 'master' : 'seed';
  return APPLIED_KINDS.filter((k) => k.target === where);
}
