import { describeValue, UNSAFE_CNI_MIGRATION } from '../../model/immutable-fields.js';
import { diagnosticAt } from '../diagnostic-at.js';
import { immutableChanges } from '../immutable-changes.js';
import type { Rule } from '../rule.js';

const id = 'change/cluster-cni-migration';


export const changeClusterCniMigration: Rule = {
  id,
  description: `A Cluster's proxyMode and CNI type do not change unless it carries the label ${UNSAFE_CNI_MIGRATION}.`,
  check({ head, base }) {
    if (!base) return [];
    return head.documentsOf('Cluster').flatMap((cluster) => {
      const before = base.clusters.get(cluster.name);
      if (!before) return [];
      return immutableChanges(id, before, cluster).map(({ field, change, pointer }) =>
        diagnosticAt(cluster, pointer, {
          rule: id,
          message: `${field.name} of cluster "${cluster.name}" cannot change (${describeValue(change.before)} → ${describeValue(change.after)}) without the label ${UNSAFE_CNI_MIGRATION}`,
          hint: `A CNI migration interrupts pod networking. If you mean it, add metadata.labels.${UNSAFE_CNI_MIGRATION}: "true" and follow KKP's CNI migration guide.`,
        }),
      );
    });
  },
};
