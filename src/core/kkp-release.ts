/**
 * The KKP release a repository targets (`spec.kkpVersion` of `kkp-gitops.yaml`): it selects the schemas, the
 * sandbox's CRDs and the built-in Kubernetes versions. The list is generated from KKP's released files
 * (`npm run generate-schemas`).
 */
import { KKP_RELEASES, type KkpRelease } from '../generated/kkp/releases.js';

export { KKP_RELEASES, KKP_RELEASE_VERSIONS, type KkpRelease } from '../generated/kkp/releases.js';

/** The newest release: the default of `spec.kkpVersion`. */
export const DEFAULT_KKP_RELEASE: KkpRelease = KKP_RELEASES[KKP_RELEASES.length - 1]!;

export function isKkpRelease(value: unknown): value is KkpRelease {
  return typeof value === 'string' && (KKP_RELEASES as readonly string[]).includes(value);
}
