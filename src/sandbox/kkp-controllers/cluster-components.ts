/**
 * The `status.extendedHealth` components of a KKP Cluster (KKP's `ExtendedClusterHealth`) and which of them a
 * Cluster's spec enables, as KKP's seed-controller-manager reports them.
 */

export const HEALTH_COMPONENTS = [
  'apiserver',
  'scheduler',
  'controller',
  'machineController',
  'etcd',
  'openvpn',
  'konnectivity',
  'cloudProviderInfrastructure',
  'userClusterControllerManager',
  'applicationController',
  'gatekeeperController',
  'gatekeeperAudit',
  'monitoring',
  'logging',
  'alertmanagerConfig',
  'mlaGateway',
  'operatingSystemManager',
  'kubernetesDashboard',
  'kubelb',
  'kyverno',
] as const;

export type HealthComponent = (typeof HEALTH_COMPONENTS)[number];

/** The components KKP's `AllHealthy()` requires before a Cluster counts as initialized (and so `Running`). */
export const ESSENTIAL_COMPONENTS: ReadonlySet<HealthComponent> = new Set(['apiserver', 'controller', 'scheduler', 'etcd', 'machineController', 'cloudProviderInfrastructure', 'userClusterControllerManager']);

type Spec = Readonly<Record<string, unknown>>;

function flag(spec: Spec, section: string, field: string): boolean | undefined {
  const value = (spec[section] as Record<string, unknown> | undefined)?.[field];
  return typeof value === 'boolean' ? value : undefined;
}

/** The components `spec` enables, in `HEALTH_COMPONENTS` order. */
export function enabledComponents(spec: Spec): HealthComponent[] {
  const cloud = spec['cloud'] as Record<string, unknown> | undefined;
  const monitoring = flag(spec, 'mla', 'monitoringEnabled') === true;
  const logging = flag(spec, 'mla', 'loggingEnabled') === true;
  const enabled: Record<HealthComponent, boolean> = {
    apiserver: true,
    scheduler: true,
    controller: true,
    machineController: cloud?.['edge'] === undefined,
    etcd: true,
    openvpn: flag(spec, 'clusterNetwork', 'konnectivityEnabled') !== true,
    konnectivity: flag(spec, 'clusterNetwork', 'konnectivityEnabled') === true,
    cloudProviderInfrastructure: true,
    userClusterControllerManager: true,
    applicationController: true,
    gatekeeperController: flag(spec, 'opaIntegration', 'enabled') === true,
    gatekeeperAudit: flag(spec, 'opaIntegration', 'enabled') === true,
    monitoring,
    logging,
    alertmanagerConfig: monitoring || logging,
    mlaGateway: monitoring || logging,
    operatingSystemManager: spec['enableOperatingSystemManager'] !== false,
    kubernetesDashboard: flag(spec, 'kubernetesDashboard', 'enabled') !== false,
    kubelb: flag(spec, 'kubelb', 'enabled') === true,
    kyverno: flag(spec, 'kyverno', 'enabled') === true,
  };
  return HEALTH_COMPONENTS.filter((c) => enabled[c]);
}
