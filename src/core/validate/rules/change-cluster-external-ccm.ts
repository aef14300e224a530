import { valueAt } from '../../model/plain-data.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'change/cluster-external-ccm';

export const changeClusterExternalCcm: Rule = {
  id,
  description: 'features.externalCloudProvider is not switched off once on (KKP: pkg/validation/cluster.go ValidateClusterUpdate).',
  check({ head, base }) {
    if (!base) return [];
    return head.documentsOf('Cluster').flatMap((cluster) => {
      const before = base.clusters.get(cluster.name);
      if (!before || valueAt(before.value, 'spec', 'features', 'externalCloudProvider') !== true) return [];
      if (valueAt(cluster.value, 'spec', 'features', 'externalCloudProvider') === true) return [];
      const written = valueAt(cluster.value, 'spec', 'features', 'externalCloudProvider') !== undefined;
      return [
        diagnosticAt(cluster, written ? '/spec/features/externalCloudProvider' : '/spec', {
          rule: id,
          message: `cluster "${cluster.name}" switches the external cloud provider off, which KKP does not allow once it is on`,
          hint: 'Keep spec.features.externalCloudProvider: true.',
        }),
      ];
    });
  },
};
