import type { Diagnostic } from '../../diagnostic.js';
import { pointerOf } from '../../model/json-pointer.js';
import { valueAt } from '../../model/plain-data.js';
import { providerKeysOf, type Provider } from '../../model/providers.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'credentials/inline';

/**
 * The fields of a Cluster's `spec.cloud.<provider>` that hold credentials in KKP's CloudSpec. KKP moves them into a
 * Secret on create; in Git only `credentialsReference` may stand for them.
 */
export const CREDENTIAL_FIELDS: Readonly<Record<Provider, readonly (readonly string[])[]>> = {
  aws: [['accessKeyID'], ['secretAccessKey'], ['assumeRoleExternalID']],
  azure: [['tenantID'], ['subscriptionID'], ['clientID'], ['clientSecret']],
  digitalocean: [['token']],
  gcp: [['serviceAccount']],
  hetzner: [['token']],
  openstack: [['username'], ['password'], ['project'], ['projectID'], ['domain'], ['applicationCredentialID'], ['applicationCredentialSecret'], ['token']],
  vsphere: [['username'], ['password'], ['infraManagementUser']],
  vmwareclouddirector: [['username'], ['password'], ['apiToken'], ['organization'], ['vdc']],
  nutanix: [['username'], ['password'], ['proxyURL'], ['csi', 'username'], ['csi', 'password']],
  alibaba: [['accessKeyID'], ['accessKeySecret']],
  anexia: [['token']],
  kubevirt: [['kubeconfig'], ['csiKubeconfig']],
  baremetal: [['tinkerbell', 'kubeconfig']],
  bringyourown: [],
  edge: [],
};

export const credentialsInline: Rule = {
  id,
  description: "Clusters hold no credentials inline; only spec.cloud.<provider>.credentialsReference points at them.",
  supersedesSchema: true,
  check({ head }) {
    return head.documentsOf('Cluster').flatMap((cluster) => {
      const diagnostics: Diagnostic[] = [];
      const cloud = valueAt(cluster.value, 'spec', 'cloud');
      for (const provider of providerKeysOf(cloud)) {
        const block = valueAt(cloud, provider);
        for (const path of CREDENTIAL_FIELDS[provider]) {
          const value = valueAt(block, ...path);
          if (value === undefined || value === null || value === '') continue;
          const field = ['spec', 'cloud', provider, ...path].join('.');
          diagnostics.push(
            diagnosticAt(cluster, pointerOf('spec', 'cloud', provider, ...path), {
              rule: id,
              message: `${field} of cluster "${cluster.name}" holds a credential inline in Git`,
              hint: `Remove it (and rotate it: it is in the Git history), keep the credential in a Secret outside Git, and reference that Secret with spec.cloud.${provider}.credentialsReference {name, namespace}.`,
            }),
          );
        }
      }
      return diagnostics;
    });
  },
};
