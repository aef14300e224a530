import type { SourceDocument } from '../load/source-document.js';
import type { DatacenterEntry } from '../model/collect-datacenters.js';
import { arrayAt, stringAt, valueAt } from '../model/plain-data.js';
import { PROJECT_ID_LABEL } from '../model/immutable-fields.js';
import { providerKeysOf, type Provider } from '../model/providers.js';
import { defaultCniType } from '../versions/cni-versions.js';
import type { RepositoryIndex } from './repository-index.js';

/** Facts about a Cluster document that several rules need, read defensively. */

export { PROJECT_ID_LABEL } from '../model/immutable-fields.js';

export function clusterDatacenterName(cluster: SourceDocument): string | undefined {
  return stringAt(cluster.value, 'spec', 'cloud', 'dc');
}

export function clusterDatacenter(index: RepositoryIndex, cluster: SourceDocument): DatacenterEntry | undefined {
  const name = clusterDatacenterName(cluster);
  return name === undefined ? undefined : index.datacentersByName.get(name);
}

/** The provider blocks of `spec.cloud` (a valid Cluster has exactly one). */
export function clusterProviders(cluster: SourceDocument): Provider[] {
  return providerKeysOf(valueAt(cluster.value, 'spec', 'cloud'));
}

export function clusterProjectId(cluster: SourceDocument): string | undefined {
  return stringAt(cluster.value, 'metadata', 'labels', PROJECT_ID_LABEL);
}

export function hasLabel(doc: SourceDocument, label: string): boolean {
  return stringAt(doc.value, 'metadata', 'labels', label) !== undefined;
}

export type ExposeStrategy = 'NodePort' | 'LoadBalancer' | 'Tunneling';

/**
 * The expose strategy KKP gives a cluster: its own `spec.exposeStrategy`, else its seed's, else the
 * KubermaticConfiguration's, else NodePort.
 */
export function effectiveExposeStrategy(index: RepositoryIndex, cluster: SourceDocument): string {
  const own = stringAt(cluster.value, 'spec', 'exposeStrategy');
  if (own !== undefined) return own;
  const datacenter = clusterDatacenter(index, cluster);
  const seed = datacenter ? index.seeds.get(datacenter.seed) : undefined;
  const fromSeed = seed ? stringAt(seed.value, 'spec', 'exposeStrategy') : undefined;
  if (fromSeed !== undefined) return fromSeed;
  const configuration = index.documentsOf('KubermaticConfiguration')[0];
  return (configuration ? stringAt(configuration.value, 'spec', 'exposeStrategy') : undefined) ?? 'NodePort';
}

/** Whether a cluster is dual-stack as KKP's defaulting decides it: `ipFamily: IPv4+IPv6`, or unset with two pod CIDRs. */
export function isDualStack(cluster: SourceDocument): boolean {
  const family = stringAt(cluster.value, 'spec', 'clusterNetwork', 'ipFamily');
  if (family !== undefined && family !== '') return family === 'IPv4+IPv6';
  return (arrayAt(cluster.value, 'spec', 'clusterNetwork', 'pods', 'cidrBlocks') ?? []).length >= 2;
}

/**
 * The cluster's CNI plugin type after KKP's defaulting (pkg/defaulting/cluster.go: cilium, canal on edge), and the
 * written version ('' when KKP fills in its default).
 */
export function effectiveCni(cluster: SourceDocument): { readonly type: string; readonly version: string; readonly written: boolean } {
  const type = stringAt(cluster.value, 'spec', 'cniPlugin', 'type');
  const version = stringAt(cluster.value, 'spec', 'cniPlugin', 'version') ?? '';
  if (type !== undefined) return { type, version, written: true };
  return { type: defaultCniType(valueAt(cluster.value, 'spec', 'cloud', 'edge') !== undefined ? 'edge' : undefined), version: '', written: false };
}
