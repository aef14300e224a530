const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `['metadata', 'labels', 'app.kubernetes.io/name']` → `metadata.labels["app.kubernetes.io/name"]`. */
export function formatFieldPath(segments: readonly string[]): string {
  let out = '';
  for (const s of segments) {
    if (PLAIN_KEY.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}
