/**
 * Which policy governs a reconcile: the policy of the last applied commit, or the built-in defaults when nothing
 * was applied yet. A change to `kkp-gitops.yaml` therefore takes effect for what comes after it, never for the
 * commit that makes it (a pull request cannot loosen the rules that judge its own merge).
 */
import { DEFAULT_REPOSITORY_CONFIG, type RepositoryConfig } from '../config/repository-config.js';

export type ReconcilePolicy = RepositoryConfig['policy'];

/** The policy of `applied` (the configuration of the last applied commit), else the defaults. */
export function governingPolicy(applied: Pick<RepositoryConfig, 'policy'> | undefined): ReconcilePolicy {
  return applied?.policy ?? DEFAULT_REPOSITORY_CONFIG.policy;
}

/** Whether two policies differ in any field. */
export function policyChanged(before: ReconcilePolicy, after: ReconcilePolicy): boolean {
  return before.allowDeletions !== after.allowDeletions || before.selfHeal !== after.selfHeal || before.massDeletion.maxShare !== after.massDeletion.maxShare;
}

/** Whether the head reads other files than the governing configuration (`paths` or `exclude` changed). */
export function pathsChanged(governing: Pick<RepositoryConfig, 'paths' | 'exclude'> | undefined, head: Pick<RepositoryConfig, 'paths' | 'exclude'>): boolean {
  if (!governing) return false;
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i]);
  return !same(governing.paths, head.paths) || !same(governing.exclude, head.exclude);
}
