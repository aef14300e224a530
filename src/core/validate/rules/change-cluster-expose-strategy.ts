import { describeValue, UNSAFE_EXPOSE_STRATEGY_MIGRATION } from '../../model/immutable-fields.js';
import { effectiveExposeStrategy } from '../cluster-facts.js';
import { diagnosticAt } from '../diagnostic-at.js';
import { immutableChanges } from '../immutable-changes.js';
import type { Rule } from '../rule.js';

const id = 'change/cluster-expose-strategy';


export const changeClusterExposeStrategy: Rule = {
  id,
  description: `A Cluster's exposeStrategy does not change unless it carries the label ${UNSAFE_EXPOSE_STRATEGY_MIGRATION}.`,
  check({ head, base }) {
    if (!base) return [];
    return head.documentsOf('Cluster').flatMap((cluster) => {
      const before = base.clusters.get(cluster.name);
      if (!before) return [];
      // Unset before means the strategy KKP gave it: the Seed's, the KubermaticConfiguration's, or NodePort.
      return immutableChanges(id, before, cluster, { defaultBefore: () => effectiveExposeStrategy(base, before) }).map(({ change, pointer }) =>
        diagnosticAt(cluster, pointer, {
          rule: id,
          message: `exposeStrategy of cluster "${cluster.name}" cannot change (${describeValue(change.before)} → ${describeValue(change.after)}) without the label ${UNSAFE_EXPOSE_STRATEGY_MIGRATION}`,
          hint: `Changing how the API server is exposed breaks existing kubeconfigs and nodes. If you mean it, add metadata.labels.${UNSAFE_EXPOSE_STRATEGY_MIGRATION}: "true".`,
        }),
      );
    });
  },
};
