import { clusterDatacenterName } from '../cluster-facts.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'change/seed-deleted';

export const changeSeedDeleted: Rule = {
  id,
  description: 'A seed is not deleted while clusters still use its datacenters.',
  check({ head, base }) {
    if (!base) return [];
    return head.documentsOf('Cluster').flatMap((cluster) => {
      const dc = clusterDatacenterName(cluster);
      const before = dc === undefined ? undefined : base.datacentersByName.get(dc);
      if (dc === undefined || !before || head.seeds.has(before.seed) || !base.seeds.has(before.seed)) return [];
      const now = head.datacentersByName.get(dc);
      if (now && now.seed !== before.seed && head.seeds.has(now.seed)) return []; // moved: change/datacenter-moved
      return [
        diagnosticAt(cluster, '/spec/cloud/dc', {
          rule: id,
          message: `seed "${before.seed}" is deleted by this change, but cluster "${cluster.name}" still uses its datacenter "${dc}"`,
          hint: `Keep Seed "${before.seed}" until the clusters of its datacenters are deleted or migrated; KKP refuses to delete a seed that still hosts clusters.`,
        }),
      ];
    });
  },
};
