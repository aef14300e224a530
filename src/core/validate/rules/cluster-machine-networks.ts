import { arrayAt, valueAt } from '../../model/plain-data.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'cluster/machine-networks';

export const clusterMachineNetworks: Rule = {
  id,
  description: 'spec.machineNetworks only on vSphere clusters (KKP: pkg/validation/cluster.go validateMachineNetworksFromClusterSpec).',
  check({ head }) {
    return head.documentsOf('Cluster').flatMap((cluster) => {
      if ((arrayAt(cluster.value, 'spec', 'machineNetworks') ?? []).length === 0) return [];
      if (valueAt(cluster.value, 'spec', 'cloud', 'vsphere') !== undefined) return [];
      return [
        diagnosticAt(cluster, '/spec/machineNetworks', {
          rule: id,
          message: `cluster "${cluster.name}" sets machineNetworks, which KKP supports only with the vSphere provider`,
          hint: 'Remove spec.machineNetworks.',
        }),
      ];
    });
  },
};
