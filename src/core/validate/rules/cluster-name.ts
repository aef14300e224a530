import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'cluster/name';

/** KKP's longest cluster name (pkg/validation/cluster.go `MaxClusterNameLength`: AWS role names embed it). */
export const MAX_CLUSTER_NAME_LENGTH = 36;

/** An RFC 1035 label (k8s.io/apimachinery `IsDNS1035Label`): a letter first, then lower-case letters, digits and '-'. */
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Why KKP refuses to create a Cluster of this name, or undefined. */
export function clusterNameProblem(name: string): string | undefined {
  if (!DNS_1035_LABEL.test(name)) return 'is not a valid RFC 1035 label (a lower-case letter first, then lower-case letters, digits and "-", not ending in "-")';
  if (name.length > MAX_CLUSTER_NAME_LENGTH) return `is ${name.length} characters long, more than KKP's maximum of ${MAX_CLUSTER_NAME_LENGTH}`;
  return undefined;
}

export const clusterName: Rule = {
  id,
  description: `A new Cluster's name is an RFC 1035 label of at most ${MAX_CLUSTER_NAME_LENGTH} characters (KKP: pkg/webhook/cluster/validation/validation.go ValidateCreate).`,
  check({ head, base }) {
    return head.documentsOf('Cluster').flatMap((cluster) => {
      // KKP checks the name when the Cluster is created only.
      if (base?.clusters.has(cluster.name)) return [];
      const problem = clusterNameProblem(cluster.name);
      if (problem === undefined) return [];
      return [
        diagnosticAt(cluster, '/metadata/name', {
          rule: id,
          message: `cluster name "${cluster.name}" ${problem}`,
          hint: 'KKP embeds the name in namespaces and cloud resource names: choose a shorter name that starts with a letter.',
        }),
      ];
    });
  },
};
