import { stringAt } from '../../model/plain-data.js';
import { versionUpdateProblem } from '../../versions/versions-policy.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'change/cluster-version';

export const changeClusterVersion: Rule = {
  id,
  description: "A Cluster's version changes only along the KubermaticConfiguration's update rules (else the release's built-in ones), as KKP's version manager allows.",
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
          hint: `Update rules: ${versions.updates.map((u) => `${u.from} → ${u.to}`).join(', ') || 'none'}.`,
        }),
      ];
    });
  },
};
