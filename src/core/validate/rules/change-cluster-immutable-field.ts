import type { Diagnostic } from '../../diagnostic.js';
import type { SourceDocument } from '../../load/source-document.js';
import { arrayAt, stringAt } from '../../model/plain-data.js';
import { clusterProviders } from '../cluster-facts.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'change/cluster-immutable-field';

interface ImmutableField {
  readonly name: string;
  /** Where the field is written, for the diagnostic. */
  pointer(cluster: SourceDocument): string;
  /** The value as text for comparison; undefined when not written. */
  read(cluster: SourceDocument): string | undefined;
  /** What KKP's defaulting gives it when not written (so unset → the default is no change). */
  readonly fallback?: (cluster: SourceDocument) => string;
}

const cidrs = (name: 'pods' | 'services') => (cluster: SourceDocument) => {
  const blocks = arrayAt(cluster.value, 'spec', 'clusterNetwork', name, 'cidrBlocks');
  return blocks === undefined ? undefined : blocks.map(String).join(', ');
};

/** KKP's Cluster fields that cannot change after create, with KKP's defaults where it fills them in. */
export const IMMUTABLE_CLUSTER_FIELDS: readonly ImmutableField[] = [
  { name: 'spec.cloud.dc', pointer: () => '/spec/cloud/dc', read: (c) => stringAt(c.value, 'spec', 'cloud', 'dc') },
  {
    name: 'the provider (spec.cloud.<provider>)',
    pointer: (c) => `/spec/cloud/${clusterProviders(c)[0] ?? ''}`,
    read: (c) => {
      const providers = clusterProviders(c);
      return providers.length === 1 ? providers[0] : undefined;
    },
  },
  { name: 'spec.clusterNetwork.pods.cidrBlocks', pointer: () => '/spec/clusterNetwork/pods/cidrBlocks', read: cidrs('pods'), fallback: () => '172.25.0.0/16' },
  { name: 'spec.clusterNetwork.services.cidrBlocks', pointer: () => '/spec/clusterNetwork/services/cidrBlocks', read: cidrs('services'), fallback: () => '10.240.16.0/20' },
  {
    name: 'spec.clusterNetwork.ipFamily',
    pointer: () => '/spec/clusterNetwork/ipFamily',
    read: (c) => stringAt(c.value, 'spec', 'clusterNetwork', 'ipFamily'),
    fallback: (c) => ((arrayAt(c.value, 'spec', 'clusterNetwork', 'pods', 'cidrBlocks')?.length ?? 1) > 1 ? 'IPv4+IPv6' : 'IPv4'),
  },
  { name: 'spec.clusterNetwork.dnsDomain', pointer: () => '/spec/clusterNetwork/dnsDomain', read: (c) => stringAt(c.value, 'spec', 'clusterNetwork', 'dnsDomain'), fallback: () => 'cluster.local' },
];

/**
 * Compares a field across a change: nothing to say when the head does not write it (the live value stays) or the
 * base's value (written or defaulted) is the same.
 */
export function changedValue(
  before: SourceDocument,
  after: SourceDocument,
  read: (doc: SourceDocument) => string | undefined,
  fallback?: (doc: SourceDocument) => string | undefined,
): { before: string; after: string } | undefined {
  const now = read(after);
  if (now === undefined) return undefined;
  const then = read(before) ?? fallback?.(before);
  return then === undefined || then === now ? undefined : { before: then, after: now };
}

export const changeClusterImmutableField: Rule = {
  id,
  description: "A Cluster's datacenter, provider, pod and service CIDRs, ipFamily and dnsDomain do not change after create.",
  check({ head, base }) {
    if (!base) return [];
    const diagnostics: Diagnostic[] = [];
    for (const cluster of head.documentsOf('Cluster')) {
      const before = base.clusters.get(cluster.name);
      if (!before) continue;
      for (const field of IMMUTABLE_CLUSTER_FIELDS) {
        const change = changedValue(before, cluster, field.read, field.fallback);
        if (!change) continue;
        diagnostics.push(
          diagnosticAt(cluster, field.pointer(cluster), {
            rule: id,
            message: `${field.name} of cluster "${cluster.name}" cannot change (${change.before} → ${change.after})`,
            hint: 'KKP fixes this field when the cluster is created: keep the old value, or create a new cluster and move the workloads.',
          }),
        );
      }
    }
    return diagnostics;
  },
};
