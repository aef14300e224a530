import { stringAt } from '../../model/plain-data.js';
import { parseKubernetesVersion } from '../../versions/kubernetes-version.js';
import { isVersionAllowed, type VersionsPolicy } from '../../versions/versions-policy.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'cluster/version-allowed';

/** `1.33.0–1.33.10, 1.34.0–1.34.8`: the allowed versions, one range per minor. */
export function describeVersions(policy: VersionsPolicy): string {
  const byMinor = new Map<string, string[]>();
  for (const version of policy.versions) {
    const minor = version.slice(0, version.lastIndexOf('.'));
    const list = byMinor.get(minor);
    if (list) list.push(version);
    else byMinor.set(minor, [version]);
  }
  const ranges = [...byMinor.values()].map((list) => (list.length === 1 ? list[0] : `${list[0]}–${list[list.length - 1]}`));
  const origin = policy.origin === 'repository' ? `the KubermaticConfiguration in ${policy.document?.file ?? 'the repository'}` : "KKP's built-in defaults";
  return `${ranges.join(', ') || 'none'} (from ${origin}${policy.default ? `; default ${policy.default}` : ''})`;
}

export const clusterVersionAllowed: Rule = {
  id,
  description: "A Cluster's spec.version is one of the allowed versions (KubermaticConfiguration, else KKP's defaults); checked on new clusters and changed versions.",
  check({ head, base, versions }) {
    return head.documentsOf('Cluster').flatMap((cluster) => {
      const version = stringAt(cluster.value, 'spec', 'version');
      if (version === undefined || parseKubernetesVersion(version) === undefined) return [];
      // An existing cluster that keeps its version is not re-checked: KKP checks versions on create and update only.
      const before = base?.clusters.get(cluster.name);
      if (before && stringAt(before.value, 'spec', 'version') === version) return [];
      if (isVersionAllowed(versions, version)) return [];
      return [
        diagnosticAt(cluster, '/spec/version', {
          rule: id,
          message: `version ${version} of cluster "${cluster.name}" is not an allowed version`,
          hint: `Allowed: ${describeVersions(versions)}.`,
        }),
      ];
    });
  },
};
