import { clusterDatacenterName } from '../cluster-facts.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'change/datacenter-removed';

export const changeDatacenterRemoved: Rule = {
  id,
  description: 'A datacenter is not removed while clusters still use it (its seed stays; see change/seed-deleted otherwise).',
  check({ head, base }) {
    if (!base) return [];
    return head.documentsOf('Cluster').flatMap((cluster) => {
      const dc = clusterDatacenterName(cluster);
      if (dc === undefined || head.datacentersByName.has(dc)) return [];
      const before = base.datacentersByName.get(dc);
      if (!before || !head.seeds.has(before.seed)) return []; // never existed, or its seed went with it
      return [
        diagnosticAt(cluster, '/spec/cloud/dc', {
          rule: id,
          message: `datacenter "${dc}" is removed by this change, but cluster "${cluster.name}" still uses it`,
          hint: `Keep datacenter "${dc}" (in ${before.source.file}) until its clusters are deleted or migrated.`,
        }),
      ];
    });
  },
};
