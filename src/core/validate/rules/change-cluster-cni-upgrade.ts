import { stringAt } from '../../model/plain-data.js';
import { hasLabel } from '../cluster-facts.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'change/cluster-cni-upgrade';

export const UNSAFE_CNI_UPGRADE = 'unsafe-cni-upgrade';

/** `v3.27.2` or `1.16` → major and minor; undefined when not a version. */
function majorMinor(text: string): { major: number; minor: number } | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(text.trim());
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : undefined;
}

export const changeClusterCniUpgrade: Rule = {
  id,
  description: `A Cluster's CNI version moves by at most one minor version unless it carries the label ${UNSAFE_CNI_UPGRADE}.`,
  check({ head, base }) {
    if (!base) return [];
    return head.documentsOf('Cluster').flatMap((cluster) => {
      const before = base.clusters.get(cluster.name);
      if (!before || hasLabel(cluster, UNSAFE_CNI_UPGRADE)) return [];
      // A type change is change/cluster-cni-migration's business; versions of different CNIs do not compare.
      if (stringAt(before.value, 'spec', 'cniPlugin', 'type') !== stringAt(cluster.value, 'spec', 'cniPlugin', 'type')) return [];
      const fromText = stringAt(before.value, 'spec', 'cniPlugin', 'version');
      const toText = stringAt(cluster.value, 'spec', 'cniPlugin', 'version');
      const from = fromText === undefined ? undefined : majorMinor(fromText);
      const to = toText === undefined ? undefined : majorMinor(toText);
      if (!from || !to) return [];
      if (from.major === to.major && Math.abs(from.minor - to.minor) <= 1) return [];
      return [
        diagnosticAt(cluster, '/spec/cniPlugin/version', {
          rule: id,
          message: `CNI version of cluster "${cluster.name}" moves from ${fromText} to ${toText}, more than one minor version, without the label ${UNSAFE_CNI_UPGRADE}`,
          hint: `Move one minor version per change, or add metadata.labels.${UNSAFE_CNI_UPGRADE}: "true" if you accept the risk.`,
        }),
      ];
    });
  },
};
