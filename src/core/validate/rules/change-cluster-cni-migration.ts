import type { Diagnostic } from '../../diagnostic.js';
import { stringAt } from '../../model/plain-data.js';
import { hasLabel } from '../cluster-facts.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';
import { changedValue } from './change-cluster-immutable-field.js';

const id = 'change/cluster-cni-migration';

export const UNSAFE_CNI_MIGRATION = 'unsafe-cni-migration';

const FIELDS = [
  { name: 'spec.clusterNetwork.proxyMode', pointer: '/spec/clusterNetwork/proxyMode', path: ['spec', 'clusterNetwork', 'proxyMode'], fallback: 'ipvs' },
  { name: 'spec.cniPlugin.type', pointer: '/spec/cniPlugin/type', path: ['spec', 'cniPlugin', 'type'], fallback: 'canal' },
] as const;

export const changeClusterCniMigration: Rule = {
  id,
  description: `A Cluster's proxyMode and CNI type do not change unless it carries the label ${UNSAFE_CNI_MIGRATION}.`,
  check({ head, base }) {
    if (!base) return [];
    const diagnostics: Diagnostic[] = [];
    for (const cluster of head.documentsOf('Cluster')) {
      const before = base.clusters.get(cluster.name);
      if (!before || hasLabel(cluster, UNSAFE_CNI_MIGRATION)) continue;
      for (const field of FIELDS) {
        const change = changedValue(before, cluster, (c) => stringAt(c.value, ...field.path), () => field.fallback);
        if (!change) continue;
        diagnostics.push(
          diagnosticAt(cluster, field.pointer, {
            rule: id,
            message: `${field.name} of cluster "${cluster.name}" cannot change (${change.before} → ${change.after}) without the label ${UNSAFE_CNI_MIGRATION}`,
            hint: `A CNI migration interrupts pod networking. If you mean it, add metadata.labels.${UNSAFE_CNI_MIGRATION}: "true" and follow KKP's CNI migration guide.`,
          }),
        );
      }
    }
    return diagnostics;
  },
};
