import { clusterProjectId, PROJECT_ID_LABEL } from '../cluster-facts.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'change/cluster-project-id';

export const changeClusterProjectId: Rule = {
  id,
  description: `A Cluster's ${PROJECT_ID_LABEL} label does not change after create.`,
  check({ head, base }) {
    if (!base) return [];
    return head.documentsOf('Cluster').flatMap((cluster) => {
      const before = base.clusters.get(cluster.name);
      const then = before ? clusterProjectId(before) : undefined;
      const now = clusterProjectId(cluster);
      if (then === undefined || then === now) return [];
      return [
        diagnosticAt(cluster, `/metadata/labels/${PROJECT_ID_LABEL}`, {
          rule: id,
          message: `the ${PROJECT_ID_LABEL} label of cluster "${cluster.name}" cannot change (${then} → ${now ?? 'removed'})`,
          hint: 'A cluster stays in the project it was created in: keep the label, or create a new cluster in the other project.',
        }),
      ];
    });
  },
};
