import { diagnosticAt } from '../diagnostic-at.js';
import { clusterDatacenterName } from '../cluster-facts.js';
import type { Rule } from '../rule.js';
import { nameHint } from '../../suggest.js';

const id = 'cluster/datacenter-exists';

export const clusterDatacenterExists: Rule = {
  id,
  description: "A Cluster's spec.cloud.dc names a datacenter of the repository.",
  check({ head, base }) {
    const names = [...head.datacentersByName.keys()];
    return head.documentsOf('Cluster').flatMap((cluster) => {
      const dc = clusterDatacenterName(cluster);
      if (dc === undefined || head.datacentersByName.has(dc)) return [];
      // Removed by this change: change/datacenter-removed says so, with a better message.
      if (base?.datacentersByName.has(dc)) return [];
      return [
        diagnosticAt(cluster, '/spec/cloud/dc', {
          rule: id,
          message: `datacenter "${dc}" of cluster "${cluster.name}" does not exist`,
          hint: nameHint(dc, names, 'datacenters'),
        }),
      ];
    });
  },
};
