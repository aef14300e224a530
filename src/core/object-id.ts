/**
 * The one identity of an object kkp-gitops deals with, and its one formatter.
 * Every log line, plan row, apply result and error about an object starts with `formatObjectId(id)`.
 */
export interface ObjectId {
  /** `master` or the name of a seed. */
  readonly target: string;
  readonly apiVersion: string;
  readonly kind: string;
  /** Absent for cluster-scoped kinds. */
  readonly namespace?: string;
  readonly name: string;
}

/** `seed-eu: Cluster/prod-1`, `master: Seed/kubermatic/seed-eu`. */
export function formatObjectId(id: ObjectId): string {
  const path = id.namespace ? `${id.namespace}/${id.name}` : id.name;
  return `${id.target}: ${id.kind}/${path}`;
}

/** A stable map key for pairing desired and live objects (apiVersion's group included, version left out). */
export function objectKey(id: ObjectId): string {
  const group = id.apiVersion.includes('/') ? id.apiVersion.slice(0, id.apiVersion.indexOf('/')) : '';
  return `${id.target}|${group}|${id.kind}|${id.namespace ?? ''}|${id.name}`;
}
