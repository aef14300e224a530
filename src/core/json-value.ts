/** Plain JSON data (parsed YAML, API objects): the one object test and the one structural equality. */

/** A JSON object: not null, not an array. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural equality of two JSON values: key order ignored, keys whose value is `undefined` count as absent. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  if (!isJsonObject(a) || !isJsonObject(b)) return false;
  const keysA = Object.keys(a).filter((k) => a[k] !== undefined);
  let keysB = 0;
  for (const k in b) if (b[k] !== undefined) keysB++;
  return keysA.length === keysB && keysA.every((k) => jsonEqual(a[k], b[k]));
}
