/**
 * The cloud provider keys KKP knows, as they appear in a datacenter's `spec` (`spec.datacenters.<name>.spec.aws`)
 * and in a Cluster's `spec.cloud` (`spec.cloud.aws`). A datacenter holds exactly one of them; a Cluster's provider
 * block must be the one of its datacenter.
 */
export const PROVIDERS = [
  'aws',
  'azure',
  'digitalocean',
  'gcp',
  'hetzner',
  'openstack',
  'vsphere',
  'vmwareclouddirector',
  'nutanix',
  'alibaba',
  'anexia',
  'kubevirt',
  'baremetal',
  'bringyourown',
  'edge',
] as const;

export type Provider = (typeof PROVIDERS)[number];

const providerSet: ReadonlySet<string> = new Set(PROVIDERS);

export function isProvider(key: string): key is Provider {
  return providerSet.has(key);
}

/** The provider keys present in an object (a datacenter spec or a Cluster's `spec.cloud`), in the object's key order. */
export function providerKeysOf(value: unknown): Provider[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.keys(value).filter(isProvider);
}
