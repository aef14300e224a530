import { pointerOf } from '../../model/json-pointer.js';
import { valueAt } from '../../model/plain-data.js';
import { clusterDatacenter, clusterProviders } from '../cluster-facts.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'cluster/provider-matches';

export const clusterProviderMatches: Rule = {
  id,
  description: "A Cluster has exactly one provider block in spec.cloud, the provider of its datacenter.",
  check({ head }) {
    return head.documentsOf('Cluster').flatMap((cluster) => {
      const providers = clusterProviders(cluster);
      const datacenter = clusterDatacenter(head, cluster);
      const expected = datacenter?.provider;
      const dcText = datacenter ? `datacenter "${datacenter.name}"` : 'its datacenter';
      if (providers.length === 0) {
        if (valueAt(cluster.value, 'spec', 'cloud') === undefined) return []; // schema/required
        return [
          diagnosticAt(cluster, pointerOf('spec', 'cloud'), {
            rule: id,
            message: `cluster "${cluster.name}" has no provider block in spec.cloud`,
            hint: expected ? `${dcText} is ${expected}: add spec.cloud.${expected} with its credentialsReference.` : 'Add the provider block of its datacenter.',
          }),
        ];
      }
      if (providers.length > 1) {
        const keep = expected !== undefined && providers.includes(expected) ? expected : providers[0];
        return providers
          .filter((p) => p !== keep)
          .map((provider) =>
            diagnosticAt(cluster, pointerOf('spec', 'cloud', provider), {
              rule: id,
              message: `cluster "${cluster.name}" has more than one provider block (${providers.join(', ')})`,
              hint: expected ? `Keep only spec.cloud.${expected}, the provider of ${dcText}.` : 'Keep only the provider block of its datacenter.',
            }),
          );
      }
      const provider = providers[0];
      if (expected === undefined || provider === undefined || provider === expected) return [];
      return [
        diagnosticAt(cluster, pointerOf('spec', 'cloud', provider), {
          rule: id,
          message: `provider block "${provider}" of cluster "${cluster.name}" does not match ${dcText}, which is ${expected}`,
          hint: `Replace spec.cloud.${provider} by spec.cloud.${expected}, or set spec.cloud.dc to a ${provider} datacenter.`,
        }),
      ];
    });
  },
};
