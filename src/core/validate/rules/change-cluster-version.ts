import { stringAt } from '../../model/plain-data.js';
import { versionUpdateProblem } from '../../versions/versions-policy.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'change/cluster-version';

export const changeClusterVersion: Rule = {
  id,
  description: "A Cluster's version changes only along the update rules: no downgrade, no skipped minor version.",
  check({ head, base, versions }) {
    if (!base) return [];
    return head.documentsOf('Cluster').flatMap((cluster) => {
      const before = base.clusters.get(cluster.name);
      const from = before ? stringAt(before.value, 'spec', 'version') : undefined;
      const to = stringAt(cluster.value, 'spec', 'version');
      if (from === undefined || to === undefined) return [];
      const problem = versionUpdateProblem(versions, from, to);
      if (problem === undefined) return [];
      return [
        diagnosticAt(cluster, '/spec/version', {
          rule: id,
          message: `cluster "${cluster.name}": ${problem}`,
          hint: 'Clusters move to any patch of their minor version or to the next minor version, one step per change.',
        }),
      ];
    });
  },
};
