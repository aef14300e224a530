/** deploy/base's RBAC (and the namespace and ServiceAccount it binds), and a master kubeconfig with a bearer token. */
import { join } from 'node:path';
import { stringify } from 'yaml';
import { kustomize, parseObjects, type KubeObject } from '../deploy/validate-manifests.js';

const RBAC_KINDS = new Set(['Namespace', 'ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding']);

export function deployRbacObjects(): KubeObject[] {
  return parseObjects(kustomize(join(import.meta.dirname, '..', '..', 'deploy', 'base'))).filter((o) => RBAC_KINDS.has(o.kind));
}

/** A kubeconfig with one context `master` reaching `server` with `token`. */
export function tokenKubeconfig(server: string, token: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'master', cluster: { server } }],
    users: [{ name: 'kkp-gitops', user: { token } }],
    contexts: [{ name: 'master', context: { cluster: 'master', user: 'kkp-gitops' } }],
    'current-context': 'master',
  });
}
