import type { Diagnostic } from '../../diagnostic.js';
import { arrayAt, stringAt } from '../../model/plain-data.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'cluster/ip-family';

const EXPECTED_BLOCKS: Readonly<Record<string, number>> = { IPv4: 1, 'IPv4+IPv6': 2 };

export const clusterIpFamily: Rule = {
  id,
  description: 'spec.clusterNetwork.ipFamily matches the CIDRs: IPv4 with one of each, IPv4+IPv6 (dual stack) with two.',
  check({ head }) {
    return head.documentsOf('Cluster').flatMap((cluster) => {
      const ipFamily = stringAt(cluster.value, 'spec', 'clusterNetwork', 'ipFamily');
      const expected = ipFamily === undefined ? undefined : EXPECTED_BLOCKS[ipFamily];
      if (expected === undefined) return [];
      const diagnostics: Diagnostic[] = [];
      for (const name of ['pods', 'services'] as const) {
        const blocks = arrayAt(cluster.value, 'spec', 'clusterNetwork', name, 'cidrBlocks');
        if (blocks === undefined || blocks.length === expected) continue;
        diagnostics.push(
          diagnosticAt(cluster, '/spec/clusterNetwork/ipFamily', {
            rule: id,
            message: `ipFamily ${ipFamily} of cluster "${cluster.name}" needs ${expected} ${name === 'pods' ? 'pod' : 'service'} CIDR${expected > 1 ? 's' : ''}, it has ${blocks.length}`,
            hint: expected === 1 ? 'Use IPv4+IPv6 for dual stack, or keep one IPv4 CIDR.' : 'Dual stack needs an IPv4 and an IPv6 CIDR, in that order; or set ipFamily to IPv4.',
          }),
        );
      }
      return diagnostics.slice(0, 1);
    });
  },
};
