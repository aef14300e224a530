/** The kinds RBAC needs served: ServiceAccounts and the four rbac.authorization.k8s.io/v1 kinds. */
import type { ResourceType } from '../resource-type.js';

function type(group: string, kind: string, plural: string, namespaced: boolean, shortNames: string[] = []): ResourceType {
  return {
    group,
    version: 'v1',
    kind,
    plural,
    singular: kind.toLowerCase(),
    listKind: `${kind}List`,
    namespaced,
    shortNames,
    categories: [],
    hasStatus: false,
    custom: false,
    generation: false,
    printerColumns: [],
    storageKey: `${group}/${plural}`,
  };
}

const RBAC = 'rbac.authorization.k8s.io';
export const SERVICE_ACCOUNTS = type('', 'ServiceAccount', 'serviceaccounts', true, ['sa']);
export const ROLES = type(RBAC, 'Role', 'roles', true);
export const CLUSTER_ROLES = type(RBAC, 'ClusterRole', 'clusterroles', false);
export const ROLE_BINDINGS = type(RBAC, 'RoleBinding', 'rolebindings', true);
export const CLUSTER_ROLE_BINDINGS = type(RBAC, 'ClusterRoleBinding', 'clusterrolebindings', false);

export const RBAC_RESOURCES: readonly ResourceType[] = [SERVICE_ACCOUNTS, ROLES, CLUSTER_ROLES, ROLE_BINDINGS, CLUSTER_ROLE_BINDINGS];
