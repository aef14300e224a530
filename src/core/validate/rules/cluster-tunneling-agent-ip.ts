import { stringAt } from '../../model/plain-data.js';
import { effectiveExposeStrategy } from '../cluster-facts.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'cluster/tunneling-agent-ip';

export const clusterTunnelingAgentIp: Rule = {
  id,
  description: 'spec.clusterNetwork.tunnelingAgentIP is only set on clusters exposed with the Tunneling strategy.',
  check({ head }) {
    return head.documentsOf('Cluster').flatMap((cluster) => {
      if (stringAt(cluster.value, 'spec', 'clusterNetwork', 'tunnelingAgentIP') === undefined) return [];
      const strategy = effectiveExposeStrategy(head, cluster);
      if (strategy === 'Tunneling') return [];
      return [
        diagnosticAt(cluster, '/spec/clusterNetwork/tunnelingAgentIP', {
          rule: id,
          message: `cluster "${cluster.name}" sets tunnelingAgentIP but is exposed with ${strategy}`,
          hint: 'The tunneling agent IP only applies to the Tunneling expose strategy: set spec.exposeStrategy: Tunneling, or remove it.',
        }),
      ];
    });
  },
};
