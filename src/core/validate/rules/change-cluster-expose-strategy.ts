import { stringAt } from '../../model/plain-data.js';
import { effectiveExposeStrategy, hasLabel } from '../cluster-facts.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';
import { changedValue } from './change-cluster-immutable-field.js';

const id = 'change/cluster-expose-strategy';

export const UNSAFE_EXPOSE_STRATEGY_MIGRATION = 'unsafe-expose-strategy-migration';

export const changeClusterExposeStrategy: Rule = {
  id,
  description: `A Cluster's exposeStrategy does not change unless it carries the label ${UNSAFE_EXPOSE_STRATEGY_MIGRATION}.`,
  check({ head, base }) {
    if (!base) return [];
    return head.documentsOf('Cluster').flatMap((cluster) => {
      const before = base.clusters.get(cluster.name);
      if (!before || hasLabel(cluster, UNSAFE_EXPOSE_STRATEGY_MIGRATION)) return [];
      const change = changedValue(before, cluster, (c) => stringAt(c.value, 'spec', 'exposeStrategy'), (c) => effectiveExposeStrategy(base, c));
      if (!change) return [];
      return [
        diagnosticAt(cluster, '/spec/exposeStrategy', {
          rule: id,
          message: `exposeStrategy of cluster "${cluster.name}" cannot change (${change.before} → ${change.after}) without the label ${UNSAFE_EXPOSE_STRATEGY_MIGRATION}`,
          hint: `Changing how the API server is exposed breaks existing kubeconfigs and nodes. If you mean it, add metadata.labels.${UNSAFE_EXPOSE_STRATEGY_MIGRATION}: "true".`,
        }),
      ];
    });
  },
};
