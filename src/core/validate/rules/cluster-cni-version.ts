import { CNI_VERSIONS } from '../../versions/cni-versions.js';
import { effectiveCni, isDualStack } from '../cluster-facts.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'cluster/cni-version';

/** `v3.21` → [3, 21]; undefined when not a version. */
function minorOf(version: string): [number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)/.exec(version);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

export const clusterCniVersion: Rule = {
  id,
  description:
    "spec.cniPlugin.version is one the KKP release accepts for its type, and canal is at least v3.22 on a dual-stack cluster (KKP: pkg/validation/cluster.go ValidateClusterSpec, pkg/cni/version.go).",
  check({ head, versions }) {
    const allowedByType = CNI_VERSIONS[versions.release];
    return head.documentsOf('Cluster').flatMap((cluster) => {
      const cni = effectiveCni(cluster);
      if (!cni.written || cni.version === '' && cni.type !== 'none') return []; // KKP fills in its default version
      const allowed = allowedByType[cni.type];
      if (allowed === undefined) return []; // an unknown type: the schema's enum reports it
      if (!allowed.includes(cni.version)) {
        return [
          diagnosticAt(cluster, '/spec/cniPlugin/version', {
            rule: id,
            message: `cluster "${cluster.name}": ${cni.type} ${cni.version || '(no version)'} is not a CNI version KKP ${versions.release} accepts`,
            hint: `Accepted for ${cni.type}: ${allowed.filter((v) => v !== '').join(', ') || 'no version'}.`,
          }),
        ];
      }
      const minor = minorOf(cni.version);
      if (cni.type === 'canal' && isDualStack(cluster) && minor && (minor[0] < 3 || (minor[0] === 3 && minor[1] < 22))) {
        return [
          diagnosticAt(cluster, '/spec/cniPlugin/version', {
            rule: id,
            message: `cluster "${cluster.name}" is dual-stack on canal ${cni.version}: KKP needs canal v3.22 or newer for dual-stack`,
            hint: 'Use a canal version of v3.22 or newer, or a single-stack network.',
          }),
        ];
      }
      return [];
    });
  },
};
