/**
 * The version conditions of a Cluster, as KKP's `GetVersionConditions` (pkg/version/cluster/cluster.go) gives them
 * to its version manager: clusters of a provider with a cloud-controller-manager (pkg/resources/cloudcontroller
 * `HasCCM`) have `externalCloudProvider` when `spec.features.externalCloudProvider` is true, else `inTreeProvider`;
 * other providers' clusters have none (only `always` incompatibilities apply to them).
 */
import { valueAt } from '../model/plain-data.js';

const PROVIDERS_WITH_CCM: ReadonlySet<string> = new Set(['aws', 'azure', 'openstack', 'hetzner', 'gcp', 'anexia', 'vsphere', 'kubevirt', 'digitalocean']);

/** `provider`: the key of the cluster's provider block (`aws`); `spec`: the Cluster's spec. */
export function versionConditions(provider: string | undefined, spec: unknown): string[] {
  if (provider === undefined || !PROVIDERS_WITH_CCM.has(provider)) return [];
  return [valueAt(spec, 'features', 'externalCloudProvider') === true ? 'externalCloudProvider' : 'inTreeProvider'];
}
