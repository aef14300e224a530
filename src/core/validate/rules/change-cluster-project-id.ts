import { describeValue, PROJECT_ID_LABEL } from '../../model/immutable-fields.js';
import { diagnosticAt } from '../diagnostic-at.js';
import { immutableChanges } from '../immutable-changes.js';
import type { Rule } from '../rule.js';

const id = 'change/cluster-project-id';

export const changeClusterProjectId: Rule = {
  id,
  description: `A Cluster's ${PROJECT_ID_LABEL} label does not change after create.`,
  check({ head, base }) {
    if (!base) return [];
    return head.documentsOf('Cluster').flatMap((cluster) => {
      const before = base.clusters.get(cluster.name);
      if (!before) return [];
      return immutableChanges(id, before, cluster).map(({ change, pointer }) =>
        diagnosticAt(cluster, pointer, {
          rule: id,
          message: `the ${PROJECT_ID_LABEL} label of cluster "${cluster.name}" cannot change (${describeValue(change.before)} → ${describeValue(change.after)})`,
          hint: 'A cluster stays in the project it was created in: keep the label, or create a new cluster in the other project.',
        }),
      );
    });
  },
};
