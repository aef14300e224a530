import { valueAt } from '../../model/plain-data.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'cluster/konnectivity-disabled';

export const clusterKonnectivity: Rule = {
  id,
  description: 'konnectivityEnabled is not false: Konnectivity can no longer be disabled (KKP: pkg/validation/cluster.go ValidateClusterNetworkConfig).',
  check({ head }) {
    return head.documentsOf('Cluster').flatMap((cluster) => {
      if (valueAt(cluster.value, 'spec', 'clusterNetwork', 'konnectivityEnabled') !== false) return [];
      return [
        diagnosticAt(cluster, '/spec/clusterNetwork/konnectivityEnabled', {
          rule: id,
          message: `cluster "${cluster.name}" disables Konnectivity, which KKP no longer allows`,
          hint: 'Remove spec.clusterNetwork.konnectivityEnabled (it defaults to true).',
        }),
      ];
    });
  },
};
