import { objectAt, stringAt } from '../../model/plain-data.js';
import { isDualStack } from '../cluster-facts.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'cluster/gcp-dual-stack-network';

export const clusterGcpDualStack: Rule = {
  id,
  description: 'A dual-stack GCP cluster names its network and subnetwork (KKP: pkg/validation/cluster.go validateGCPCloudSpec).',
  check({ head }) {
    return head.documentsOf('Cluster').flatMap((cluster) => {
      const gcp = objectAt(cluster.value, 'spec', 'cloud', 'gcp');
      if (!gcp || !isDualStack(cluster)) return [];
      const missing = ['network', 'subnetwork'].filter((field) => !stringAt(gcp, field));
      if (missing.length === 0) return [];
      return [
        diagnosticAt(cluster, '/spec/cloud/gcp', {
          rule: id,
          message: `dual-stack GCP cluster "${cluster.name}" does not set ${missing.join(' and ')}`,
          hint: 'Set spec.cloud.gcp.network (global/networks/<name>) and spec.cloud.gcp.subnetwork (projects/<project>/regions/<region>/subnetworks/<name>), a dual-stack subnetwork in the datacenter\'s region.',
        }),
      ];
    });
  },
};
