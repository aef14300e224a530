import { describeValue } from '../../model/immutable-fields.js';
import { diagnosticAt } from '../diagnostic-at.js';
import { immutableChanges } from '../immutable-changes.js';
import type { Rule } from '../rule.js';

const id = 'change/cluster-immutable-field';

export const changeClusterImmutableField: Rule = {
  id,
  description: "A Cluster's datacenter, provider, pod and service CIDRs, ipFamily and dnsDomain do not change after create.",
  check({ head, base }) {
    if (!base) return [];
    return head.documentsOf('Cluster').flatMap((cluster) => {
      const before = base.clusters.get(cluster.name);
      if (!before) return [];
      return immutableChanges(id, before, cluster).map(({ field, change, pointer }) =>
        diagnosticAt(cluster, pointer, {
          rule: id,
          message: `${field.name} of cluster "${cluster.name}" cannot change (${describeValue(change.before)} → ${describeValue(change.after)})`,
          hint: 'KKP fixes this field when the cluster is created: keep the old value, or create a new cluster and move the workloads.',
        }),
      );
    });
  },
};
