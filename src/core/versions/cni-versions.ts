/**
 * The CNI plugin versions each KKP release accepts: supported and deprecated ones together, as its validating
 * webhook does (pkg/cni/version.go `GetAllowedCNIPluginVersions`, at the release's tag; `none` takes no version).
 */
import type { KkpRelease } from '../kkp-release.js';

const CANAL_DEPRECATED = ['v3.21', 'v3.22', 'v3.23', 'v3.24', 'v3.25', 'v3.26', 'v3.27'];
const CILIUM_DEPRECATED_OLD = ['v1.11', 'v1.12', '1.13.0', '1.13.3', '1.13.4', '1.13.6', '1.13.7', '1.13.8', '1.13.14', '1.14.1', '1.14.2', '1.14.3', '1.14.9', '1.14.16', '1.15.3', '1.15.10', '1.16.6'];

export const CNI_VERSIONS: Readonly<Record<KkpRelease, Readonly<Record<string, readonly string[]>>>> = {
  'v2.29': {
    canal: ['v3.28', 'v3.29', 'v3.30', ...CANAL_DEPRECATED],
    cilium: ['1.15.16', '1.16.9', '1.17.7', '1.17.16', '1.18.2', '1.18.10', ...CILIUM_DEPRECATED_OLD],
    none: [''],
  },
  'v2.30': {
    canal: ['v3.29', 'v3.30', 'v3.31', ...CANAL_DEPRECATED, 'v3.28'],
    cilium: ['1.15.16', '1.16.9', '1.17.7', '1.17.12', '1.17.16', '1.18.2', '1.18.6', '1.18.10', ...CILIUM_DEPRECATED_OLD],
    none: [''],
  },
  'v2.31': {
    canal: ['v3.29', 'v3.30', 'v3.31', ...CANAL_DEPRECATED, 'v3.28'],
    cilium: ['1.17.16', '1.18.10', '1.19.4', ...CILIUM_DEPRECATED_OLD, '1.15.16', '1.16.9', '1.17.7', '1.17.12', '1.17.14', '1.18.2', '1.18.6', '1.18.8'],
    none: [''],
  },
};

/**
 * The CNI plugin KKP's Cluster defaulting gives a cluster that names none (pkg/defaulting/cluster.go: canal on an
 * edge cluster, else cilium), and the version it gives a plugin whose version is empty (pkg/cni/version.go
 * `GetDefaultCNIPluginVersion`), per release at its tag.
 */
export const CNI_DEFAULTS: Readonly<Record<KkpRelease, { readonly canal: string; readonly cilium: string }>> = {
  'v2.29': { canal: 'v3.30', cilium: '1.18.10' },
  'v2.30': { canal: 'v3.31', cilium: '1.18.10' },
  'v2.31': { canal: 'v3.31', cilium: '1.19.4' },
};

/** The default CNI plugin type of a cluster: canal on the edge provider, cilium on every other. */
export function defaultCniType(provider: string | undefined): 'canal' | 'cilium' {
  return provider === 'edge' ? 'canal' : 'cilium';
}
