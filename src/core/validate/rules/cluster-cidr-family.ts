import { pointerOf } from '../../model/json-pointer.js';
import { arrayAt } from '../../model/plain-data.js';
import { parseCidr } from '../cidr.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'cluster/cidr-family';

export const clusterCidrFamily: Rule = {
  id,
  description: 'Pod and service CIDRs are valid; the first is IPv4, the second (dual stack) IPv6.',
  check({ head }) {
    return head.documentsOf('Cluster').flatMap((cluster) =>
      (['pods', 'services'] as const).flatMap((name) =>
        (arrayAt(cluster.value, 'spec', 'clusterNetwork', name, 'cidrBlocks') ?? []).flatMap((block, index) => {
          if (index > 1) return []; // cluster/cidr-count
          const cidr = typeof block === 'string' ? parseCidr(block) : undefined;
          const wanted = index === 0 ? 4 : 6;
          if (cidr?.family === wanted) return [];
          const pointer = pointerOf('spec', 'clusterNetwork', name, 'cidrBlocks', index);
          if (cidr === undefined) {
            return [diagnosticAt(cluster, pointer, { rule: id, message: `${name === 'pods' ? 'pod' : 'service'} CIDR ${JSON.stringify(block)} of cluster "${cluster.name}" is not a valid CIDR`, hint: 'Write an address and a prefix length, e.g. 172.25.0.0/16 or fd01::/48.' })];
          }
          return [
            diagnosticAt(cluster, pointer, {
              rule: id,
              message: `${index === 0 ? 'first' : 'second'} ${name === 'pods' ? 'pod' : 'service'} CIDR ${String(block)} of cluster "${cluster.name}" is IPv${cidr.family}; it must be IPv${wanted}`,
              hint: 'The first CIDR is IPv4; a second one, for dual stack, is IPv6.',
            }),
          ];
        }),
      ),
    );
  },
};
