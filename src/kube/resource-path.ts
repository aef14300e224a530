import type { ResourceKind } from '../core/apply/cluster-client.js';

/** `/apis/kubermatic.k8c.io/v1/namespaces/kubermatic/seeds/seed-eu`, `/api/v1/namespaces/kubermatic/secrets`. */
export function resourcePath(kind: ResourceKind, namespace?: string, name?: string): string {
  const root = kind.apiVersion.includes('/') ? `/apis/${kind.apiVersion}` : `/api/${kind.apiVersion}`;
  const ns = kind.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${root}${ns}/${kind.plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
}

/** Core v1 Secrets, which the adapter reads to reach seeds. */
export const SECRET_KIND: ResourceKind = { apiVersion: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true };
