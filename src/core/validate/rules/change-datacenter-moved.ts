import { clusterDatacenterName } from '../cluster-facts.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'change/datacenter-moved';

const SHOWN_CLUSTERS = 5;

export const changeDatacenterMoved: Rule = {
  id,
  description: 'A datacenter does not move to another seed while clusters use it.',
  check({ head, base }) {
    if (!base) return [];
    const clustersByDatacenter = new Map<string, string[]>();
    for (const cluster of head.documentsOf('Cluster')) {
      const dc = clusterDatacenterName(cluster);
      if (dc === undefined) continue;
      const list = clustersByDatacenter.get(dc);
      if (list) list.push(cluster.name);
      else clustersByDatacenter.set(dc, [cluster.name]);
    }
    return head.datacenters.flatMap((entry) => {
      if (head.datacentersByName.get(entry.name) !== entry) return []; // duplicates: datacenter/unique-name
      const before = base.datacentersByName.get(entry.name);
      const clusters = clustersByDatacenter.get(entry.name);
      if (!before || !clusters || before.seed === entry.seed || before.seed === '' || entry.seed === '') return [];
      const shown = clusters.slice(0, SHOWN_CLUSTERS).map((c) => `"${c}"`).join(', ');
      const more = clusters.length > SHOWN_CLUSTERS ? ` and ${clusters.length - SHOWN_CLUSTERS} more` : '';
      return [
        diagnosticAt(entry.source, entry.origin === 'datacenter' ? '/spec/seed' : entry.pointer, {
          rule: id,
          message: `datacenter "${entry.name}" moves from seed "${before.seed}" to seed "${entry.seed}" while ${clusters.length} cluster${clusters.length > 1 ? 's use' : ' uses'} it (${shown}${more})`,
          hint: `Clusters run on the seed of their datacenter and KKP cannot move their control planes: keep the datacenter on seed "${before.seed}", or delete or migrate its clusters first.`,
        }),
      ];
    });
  },
};
