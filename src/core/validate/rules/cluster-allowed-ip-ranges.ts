import { arrayAt } from '../../model/plain-data.js';
import { effectiveExposeStrategy } from '../cluster-facts.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'cluster/allowed-ip-ranges';

export const clusterAllowedIpRanges: Rule = {
  id,
  description: 'spec.apiServerAllowedIPRanges is only set on clusters exposed with the LoadBalancer strategy.',
  check({ head }) {
    return head.documentsOf('Cluster').flatMap((cluster) => {
      const blocks = arrayAt(cluster.value, 'spec', 'apiServerAllowedIPRanges', 'cidrBlocks');
      if (blocks === undefined || blocks.length === 0) return [];
      const strategy = effectiveExposeStrategy(head, cluster);
      if (strategy === 'LoadBalancer') return [];
      return [
        diagnosticAt(cluster, '/spec/apiServerAllowedIPRanges', {
          rule: id,
          message: `cluster "${cluster.name}" sets apiServerAllowedIPRanges but is exposed with ${strategy}`,
          hint: 'API server IP ranges only work with the LoadBalancer expose strategy: set spec.exposeStrategy: LoadBalancer, or remove the ranges.',
        }),
      ];
    });
  },
};
