/**
 * The kinds kkp-gitops knows, as one table: where each lives, how it is addressed over the API, and the order
 * in which it is applied. Deletions run in the reverse order. Every stage that needs to know about kinds reads
 * this table instead of branching on kind names.
 */
export const KKP_API_VERSION = 'kubermatic.k8c.io/v1';
export const GITOPS_API_VERSION = 'gitops.kkp.dev/v1alpha1';
/** The namespace KKP lives in on the master (and the namespace of Seeds and the KubermaticConfiguration). */
export const KKP_NAMESPACE = 'kubermatic';

/** Where rendered objects of a kind go: the master, the seed that owns the object's datacenter, or nowhere. */
export type KindTarget = 'master' | 'seed' | 'none';

export interface KindInfo {
  readonly apiVersion: string;
  readonly kind: string;
  /** Resource name in API paths (`/apis/kubermatic.k8c.io/v1/clusters`). */
  readonly plural: string;
  readonly namespaced: boolean;
  readonly target: KindTarget;
  /** Apply stage, lower first; deletes run highest first. Kinds that are not applied have none. */
  readonly applyOrder?: number;
  /** The kind has a `/status` subresource in KKP's CRDs. */
  readonly hasStatus: boolean;
  /** Deleting an object of this kind is destructive and needs an explicit allowance. */
  readonly destructiveDelete: boolean;
}

export const KINDS: readonly KindInfo[] = [
  { apiVersion: KKP_API_VERSION, kind: 'Seed', plural: 'seeds', namespaced: true, target: 'master', applyOrder: 10, hasStatus: true, destructiveDelete: true },
  { apiVersion: KKP_API_VERSION, kind: 'Project', plural: 'projects', namespaced: false, target: 'master', applyOrder: 20, hasStatus: true, destructiveDelete: false },
  { apiVersion: KKP_API_VERSION, kind: 'User', plural: 'users', namespaced: false, target: 'master', applyOrder: 20, hasStatus: true, destructiveDelete: false },
  { apiVersion: KKP_API_VERSION, kind: 'UserProjectBinding', plural: 'userprojectbindings', namespaced: false, target: 'master', applyOrder: 30, hasStatus: false, destructiveDelete: false },
  { apiVersion: KKP_API_VERSION, kind: 'GroupProjectBinding', plural: 'groupprojectbindings', namespaced: false, target: 'master', applyOrder: 30, hasStatus: false, destructiveDelete: false },
  { apiVersion: KKP_API_VERSION, kind: 'UserSSHKey', plural: 'usersshkeys', namespaced: false, target: 'master', applyOrder: 30, hasStatus: false, destructiveDelete: false },
  { apiVersion: KKP_API_VERSION, kind: 'Cluster', plural: 'clusters', namespaced: false, target: 'seed', applyOrder: 40, hasStatus: true, destructiveDelete: true },
  { apiVersion: KKP_API_VERSION, kind: 'KubermaticConfiguration', plural: 'kubermaticconfigurations', namespaced: true, target: 'none', hasStatus: true, destructiveDelete: false },
  { apiVersion: GITOPS_API_VERSION, kind: 'Datacenter', plural: 'datacenters', namespaced: false, target: 'none', hasStatus: false, destructiveDelete: true },
  { apiVersion: GITOPS_API_VERSION, kind: 'Config', plural: 'configs', namespaced: false, target: 'none', hasStatus: false, destructiveDelete: false },
];

/** The KKP kinds served by a KKP master or seed (everything in `kubermatic.k8c.io`). */
export const KKP_KINDS: readonly KindInfo[] = KINDS.filter((k) => k.apiVersion === KKP_API_VERSION);

/** Kinds that are rendered into clusters, in apply order. */
export const APPLIED_KINDS: readonly KindInfo[] = KINDS.filter((k) => k.applyOrder !== undefined).sort(
  (a, b) => (a.applyOrder ?? 0) - (b.applyOrder ?? 0),
);

const byKey = new Map(KINDS.map((k) => [`${k.apiVersion}|${k.kind}`, k]));

export function kindInfo(apiVersion: string, kind: string): KindInfo | undefined {
  return byKey.get(`${apiVersion}|${kind}`);
}
