import { jsonEqual, type KObject } from './k-object.js';

/**
 * True when anything outside `metadata` and `status` differs: what makes kube-apiserver bump
 * `metadata.generation` for custom resources (the server decides when to use it).
 */
export function specChanged(before: KObject, after: KObject): boolean {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    if (key === 'metadata' || key === 'status') continue;
    if (!jsonEqual(before[key], after[key])) return true;
  }
  return false;
}
