import { stringAt, valueAt } from '../../model/plain-data.js';
import { parseKubernetesVersion } from '../../versions/kubernetes-version.js';
import { isVersionAllowed, providerIncompatibility, versionUpdateProblem } from '../../versions/versions-policy.js';
import { versionConditions } from '../../versions/version-conditions.js';
import { clusterProviders } from '../cluster-facts.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'cluster/provider-incompatible';

export const clusterProviderIncompatible: Rule = {
  id,
  description:
    "A new Cluster's version (operation CREATE) or a changed one (UPGRADE) meets none of the provider incompatibilities of the KubermaticConfiguration (else the release's) for its provider and conditions.",
  check({ head, base, versions }) {
    return head.documentsOf('Cluster').flatMap((cluster) => {
      const version = stringAt(cluster.value, 'spec', 'version');
      if (version === undefined || parseKubernetesVersion(version) === undefined) return [];
      const before = base?.clusters.get(cluster.name);
      const from = before ? stringAt(before.value, 'spec', 'version') : undefined;
      // KKP checks versions on create and on a version change only (pkg/validation/cluster.go `ValidateVersion`).
      if (from === version) return [];
      const operation = from === undefined ? 'CREATE' : 'UPGRADE';
      // A version the policy does not allow at all is cluster/version-allowed's or change/cluster-version's to report.
      if (!isVersionAllowed(versions, version) || (from !== undefined && versionUpdateProblem(versions, from, version) !== undefined)) return [];
      const provider = clusterProviders(cluster)[0];
      const conditions = versionConditions(provider, valueAt(cluster.value, 'spec'));
      const incompatible = providerIncompatibility(versions, { version, provider: provider ?? '', operation, conditions });
      if (incompatible === undefined) return [];
      const scope = incompatible.provider === '' ? 'every provider' : `provider ${incompatible.provider}`;
      const condition = incompatible.condition === 'always' ? '' : ` with condition ${incompatible.condition}`;
      return [
        diagnosticAt(cluster, '/spec/version', {
          rule: id,
          message: `cluster "${cluster.name}": version ${version} is incompatible for ${operation === 'CREATE' ? 'a new cluster' : 'an upgrade'} on ${scope}${condition} (${incompatible.version})`,
          hint:
            incompatible.condition === 'inTreeProvider'
              ? 'Switch the cluster to the external cloud provider first (spec.features.externalCloudProvider: true), or keep a version outside the constraint.'
              : `Keep a version outside ${incompatible.version} (providerIncompatibilities of ${versions.origin === 'repository' ? 'the KubermaticConfiguration' : `KKP ${versions.release}'s defaults`}).`,
        }),
      ];
    });
  },
};
