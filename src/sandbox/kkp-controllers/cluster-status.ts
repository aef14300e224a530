/**
 * The status KKP's seed-controller-manager would write for a Cluster, as a pure function of the object, its
 * fault annotation and whether the pending transition's delay has passed. As in KKP: `Creating` until the
 * cluster is initialized (every essential component Up), `Updating` while `spec.version` rolls out, otherwise
 * `Running`; components not yet initialized are `HealthStatusProvisioning`.
 */
import type { KubeObject } from '../../emulator/kube-object.js';
import { type Conditions, nextCondition } from './conditions.js';
import { ESSENTIAL_COMPONENTS, enabledComponents } from './cluster-components.js';
import type { HealthFault } from './health-fault.js';

/** The transition a Cluster waits for: its creation, or the update to one version. */
export type ClusterTransition = { readonly kind: 'create' } | { readonly kind: 'update'; readonly version: string };

/** The reconcile-success conditions the sandbox reports `True` (KKP's `ClusterCondition…` types). */
const RECONCILED_CONDITIONS = [
  'ClusterControllerReconciledSuccessfully',
  'AddonControllerReconciledSuccessfully',
  'CloudControllerReconciledSuccessfully',
  'UpdateControllerReconciledSuccessfully',
  'MonitoringControllerReconciledSuccessfully',
  'SeedResourcesUpToDate',
] as const;

interface ClusterStatusFields {
  readonly phase?: string;
  readonly conditions?: Conditions;
  readonly versions?: { readonly controlPlane?: string };
  readonly [field: string]: unknown;
}

function statusOf(cluster: KubeObject): ClusterStatusFields {
  return (cluster['status'] as ClusterStatusFields | undefined) ?? {};
}

function specOf(cluster: KubeObject): Record<string, unknown> {
  return (cluster['spec'] as Record<string, unknown> | undefined) ?? {};
}

export function isInitialized(cluster: KubeObject): boolean {
  return statusOf(cluster).conditions?.['ClusterInitialized']?.status === 'True';
}

/** The transition `cluster` is waiting for, or undefined when it has none. */
export function pendingTransition(cluster: KubeObject): ClusterTransition | undefined {
  if (!isInitialized(cluster)) return { kind: 'create' };
  const version = String(specOf(cluster)['version'] ?? '');
  return statusOf(cluster).versions?.controlPlane === version ? undefined : { kind: 'update', version };
}

export interface ClusterStatusInput {
  readonly fault: HealthFault | undefined;
  /** The pending transition's delay has passed. */
  readonly due: boolean;
  /** `status.versions.kubermatic` and each condition's `kubermaticVersion` (`v2.31.0`). */
  readonly kubermaticVersion: string;
  /** Condition times, `2026-01-01T00:00:00Z`. */
  readonly time: string;
}

export function desiredClusterStatus(cluster: KubeObject, input: ClusterStatusInput): Record<string, unknown> {
  const old = statusOf(cluster);
  const version = String(specOf(cluster)['version'] ?? '');
  const { fault, due, kubermaticVersion, time } = input;
  const down = new Set<string>(fault?.kind === 'down' ? fault.components : []);
  const neverRunning = fault?.kind === 'never-running';
  const initializedBefore = isInitialized(cluster);
  const components = enabledComponents(specOf(cluster));
  const essentialDown = components.some((c) => ESSENTIAL_COMPONENTS.has(c) && down.has(c));
  const initialized = initializedBefore || (due && !neverRunning && !essentialDown);
  const up = initializedBefore || due;
  const extendedHealth = Object.fromEntries(
    components.map((c) => [c, !up ? 'HealthStatusProvisioning' : down.has(c) ? 'HealthStatusDown' : neverRunning && !initializedBefore ? 'HealthStatusProvisioning' : 'HealthStatusUp']),
  );

  const oldControlPlane = old.versions?.controlPlane;
  const updating = initializedBefore && oldControlPlane !== version && !(due && !neverRunning);
  const controlPlane = initializedBefore && updating && oldControlPlane !== undefined ? oldControlPlane : version;
  const phase = (cluster.metadata as { deletionTimestamp?: string }).deletionTimestamp
    ? 'Terminating'
    : !initialized
      ? 'Creating'
      : updating || neverRunning
        ? 'Updating'
        : 'Running';

  const conditions: Record<string, unknown> = {};
  const set = (type: string, status: 'True' | 'False', reason?: string, message?: string) => {
    conditions[type] = nextCondition(old.conditions, type, { status, ...(reason ? { reason } : {}), ...(message ? { message } : {}) }, time, kubermaticVersion);
  };
  for (const type of RECONCILED_CONDITIONS) set(type, 'True');
  if (up && !down.has('etcd') && !(neverRunning && !initializedBefore)) set('EtcdClusterInitialized', 'True', undefined, 'Etcd Cluster has been initialized successfully');
  if (initialized) set('ClusterInitialized', 'True', undefined, 'Cluster has been initialized successfully');
  if (phase === 'Updating') set('UpdateProgress', 'False', 'Progressing', `updating the control plane to ${version}`);
  else if (initialized) set('UpdateProgress', 'True', 'UpToDate', 'no update in progress, cluster has reached its desired version');

  return {
    ...old,
    phase,
    namespaceName: `cluster-${cluster.metadata.name ?? ''}`,
    extendedHealth,
    conditions,
    versions: { apiserver: version, controllerManager: version, scheduler: version, controlPlane },
  };
}
