import { stringAt } from '../../model/plain-data.js';
import { clusterDatacenter, clusterProviders } from '../cluster-facts.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'cluster/provider-name';

export const clusterProviderName: Rule = {
  id,
  description: "A Cluster's spec.cloud.providerName, when set, is the provider of its datacenter and provider block.",
  check({ head }) {
    return head.documentsOf('Cluster').flatMap((cluster) => {
      const providerName = stringAt(cluster.value, 'spec', 'cloud', 'providerName');
      if (providerName === undefined) return [];
      const blocks = clusterProviders(cluster);
      const expected = clusterDatacenter(head, cluster)?.provider ?? (blocks.length === 1 ? blocks[0] : undefined);
      if (expected === undefined || providerName === expected) return [];
      return [
        diagnosticAt(cluster, '/spec/cloud/providerName', {
          rule: id,
          message: `spec.cloud.providerName "${providerName}" of cluster "${cluster.name}" does not agree with its provider, ${expected}`,
          hint: `Set providerName to "${expected}", or leave it out: KKP fills it in from the provider block.`,
        }),
      ];
    });
  },
};
