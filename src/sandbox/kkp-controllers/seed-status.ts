/**
 * The status KKP's master-controller-manager (seed-status controller) and operator would write for a Seed, as a
 * pure function: `KubeconfigValid` from whether its kubeconfig Secret resolves to a cluster, `ResourcesReconciled`
 * and `ClusterInitialized` from the operator, the phase last (`Healthy`, `Invalid`, `Unhealthy`), as KKP's
 * `getSeedPhase` derives it.
 */
import type { KubeObject } from '../../emulator/kube-object.js';
import { type Conditions, nextCondition } from './conditions.js';
import type { HealthFault } from './health-fault.js';

/** Where a Seed's kubeconfig leads: a cluster of the sandbox, or why not (KKP's reasons). */
export type SeedKubeconfigResolution =
  | { readonly resolved: true; readonly clusterVersion: string; readonly clusters: number }
  | { readonly resolved: false; readonly reason: 'KubeconfigUnavailable' | 'KubeconfigInvalid'; readonly message: string };

export interface SeedStatusInput {
  readonly kubeconfig: SeedKubeconfigResolution;
  readonly fault: HealthFault | undefined;
  /** `status.versions.kubermatic` (`v2.31.0`). */
  readonly kubermaticVersion: string;
  readonly time: string;
}

export function desiredSeedStatus(seed: KubeObject, input: SeedStatusInput): Record<string, unknown> {
  const old = (seed['status'] as { conditions?: Conditions; [field: string]: unknown } | undefined) ?? {};
  const { kubeconfig, fault, kubermaticVersion, time } = input;
  const conditions: Record<string, unknown> = {};
  const set = (type: string, status: 'True' | 'False', reason: string, message?: string) => {
    conditions[type] = nextCondition(old.conditions, type, { status, reason, ...(message ? { message } : {}) }, time);
  };
  if (kubeconfig.resolved) set('KubeconfigValid', 'True', 'KubeconfigValid');
  else set('KubeconfigValid', 'False', kubeconfig.reason, kubeconfig.message);
  const unhealthy = fault?.kind === 'unhealthy';
  if (!kubeconfig.resolved) set('ResourcesReconciled', 'False', 'ReconcilingError', 'the seed kubeconfig does not resolve');
  else if (unhealthy) set('ResourcesReconciled', 'False', 'ReconcilingError', 'held unhealthy by the sandbox fault annotation sandbox.kkp-gitops.dev/health');
  else set('ResourcesReconciled', 'True', 'ReconcilingSuccess');
  if (kubeconfig.resolved) set('ClusterInitialized', 'True', 'ClusterInitialized');

  const phase = (seed.metadata as { deletionTimestamp?: string }).deletionTimestamp
    ? 'Terminating'
    : !kubeconfig.resolved
      ? 'Invalid'
      : unhealthy
        ? 'Unhealthy'
        : 'Healthy';
  return {
    ...old,
    phase,
    conditions,
    clusters: kubeconfig.resolved ? kubeconfig.clusters : 0,
    versions: { kubermatic: kubermaticVersion, ...(kubeconfig.resolved ? { cluster: kubeconfig.clusterVersion } : {}) },
  };
}
