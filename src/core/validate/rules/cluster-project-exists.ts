import { clusterProjectId, PROJECT_ID_LABEL } from '../cluster-facts.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';
import { nameHint } from '../../suggest.js';

const id = 'cluster/project-exists';

export const clusterProjectExists: Rule = {
  id,
  description: "A Cluster's project-id label names a Project of the repository.",
  check({ head }) {
    const projectIds = [...head.projects.keys()];
    return head.documentsOf('Cluster').flatMap((cluster) => {
      const projectId = clusterProjectId(cluster);
      if (projectId === undefined) {
        return [
          diagnosticAt(cluster, '/metadata/labels', {
            rule: id,
            message: `cluster "${cluster.name}" has no ${PROJECT_ID_LABEL} label`,
            hint: `Add metadata.labels.${PROJECT_ID_LABEL} with the name (ID) of the Project the cluster belongs to.`,
          }),
        ];
      }
      if (head.projects.has(projectId)) return [];
      return [
        diagnosticAt(cluster, `/metadata/labels/${PROJECT_ID_LABEL}`, {
          rule: id,
          message: `project "${projectId}" of cluster "${cluster.name}" does not exist`,
          hint: `${nameHint(projectId, projectIds, 'projects')} The label holds the Project's metadata.name (its ID), not its display name.`,
        }),
      ];
    });
  },
};
