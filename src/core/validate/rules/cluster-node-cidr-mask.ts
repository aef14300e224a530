import type { Diagnostic } from '../../diagnostic.js';
import { numberAt, stringsAt } from '../../model/plain-data.js';
import { parseCidr } from '../cidr.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'cluster/node-cidr-mask';

/** KKP's defaults for the per-node pod CIDR mask sizes. */
const DEFAULT_NODE_MASK = { 4: 24, 6: 64 } as const;

export const clusterNodeCidrMask: Rule = {
  id,
  description: 'The node CIDR mask size (nodeCidrMaskSizeIPv4/IPv6, default 24/64) is longer than the pod CIDR mask.',
  check({ head }) {
    return head.documentsOf('Cluster').flatMap((cluster) => {
      const diagnostics: Diagnostic[] = [];
      for (const { value, index } of stringsAt(cluster.value, 'spec', 'clusterNetwork', 'pods', 'cidrBlocks')) {
        const cidr = parseCidr(value);
        if (!cidr) continue;
        const field = cidr.family === 4 ? 'nodeCidrMaskSizeIPv4' : 'nodeCidrMaskSizeIPv6';
        const configured = numberAt(cluster.value, 'spec', 'clusterNetwork', field);
        const mask = configured ?? DEFAULT_NODE_MASK[cidr.family];
        if (mask > cidr.prefix) continue;
        const pointer = configured === undefined ? `/spec/clusterNetwork/pods/cidrBlocks/${index}` : `/spec/clusterNetwork/${field}`;
        diagnostics.push(
          diagnosticAt(cluster, pointer, {
            rule: id,
            message: `node CIDR mask /${mask}${configured === undefined ? ' (the default)' : ''} of cluster "${cluster.name}" is not longer than pod CIDR ${value}`,
            hint: `Each node gets a /${mask} out of the pod CIDR: set ${field} above ${cidr.prefix}, or widen the pod CIDR.`,
          }),
        );
      }
      return diagnostics;
    });
  },
};
