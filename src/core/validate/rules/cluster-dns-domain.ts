import { stringAt } from '../../model/plain-data.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'cluster/dns-domain';

export const clusterDnsDomain: Rule = {
  id,
  description: "spec.clusterNetwork.dnsDomain is cluster.local (KKP: pkg/validation/cluster.go ValidateClusterNetworkConfig).",
  check({ head }) {
    return head.documentsOf('Cluster').flatMap((cluster) => {
      const domain = stringAt(cluster.value, 'spec', 'clusterNetwork', 'dnsDomain');
      if (domain === undefined || domain === '' || domain === 'cluster.local') return [];
      return [
        diagnosticAt(cluster, '/spec/clusterNetwork/dnsDomain', {
          rule: id,
          message: `cluster "${cluster.name}" sets dnsDomain "${domain}": KKP only allows cluster.local`,
          hint: 'Remove spec.clusterNetwork.dnsDomain (KKP defaults it to cluster.local).',
        }),
      ];
    });
  },
};
