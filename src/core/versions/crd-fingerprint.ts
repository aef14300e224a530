/**
 * A CustomResourceDefinition's fingerprint: a content hash of what decides how the apiserver judges the kind's
 * objects, its served versions with their schemas (names, `served`, `storage`, `schema`, `subresources`,
 * `additionalPrinterColumns` left out: they do not change what an object may hold). Key order does not matter, so
 * a CRD read back from a cluster has the fingerprint of the file it was installed from.
 */
import { createHash } from 'node:crypto';
import { stableStringify } from '../render/stable-json.js';

export function crdFingerprint(crd: unknown): string {
  const spec = isObject(crd) && isObject(crd['spec']) ? crd['spec'] : {};
  const versions = Array.isArray(spec['versions']) ? spec['versions'] : [];
  const served = versions
    .filter((v): v is Record<string, unknown> => isObject(v) && v['served'] === true)
    .map((v) => ({ name: v['name'], schema: v['schema'] ?? null }))
    .sort((a, b) => String(a.name).localeCompare(String(b.name)));
  return createHash('sha256').update(stableStringify(served)).digest('hex').slice(0, 16);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
