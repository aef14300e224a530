/**
 * Kubernetes versions as KKP writes them: `major.minor.patch`, with or without a leading `v`
 * (`1.35.8` equals `v1.35.8`).
 */
export interface KubernetesVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

const VERSION = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/** The version, or undefined when the text is not `[v]major.minor.patch`. */
export function parseKubernetesVersion(text: string): KubernetesVersion | undefined {
  const match = VERSION.exec(text.trim());
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

/** `1.35.8` (no `v`): the form versions are compared and printed in. */
export function formatKubernetesVersion(version: KubernetesVersion): string {
  return `${version.major}.${version.minor}.${version.patch}`;
}

export function compareKubernetesVersions(a: KubernetesVersion, b: KubernetesVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/**
 * Whether a version matches a pattern of the KubermaticConfiguration's `updates`: an exact version (`1.35.8`,
 * `v1.35.8`) or one with wildcards (`1.35.*`, `1.*`, `*`; `x` and `X` work like `*`). Other patterns match nothing.
 */
export function matchesVersionPattern(version: KubernetesVersion, pattern: string): boolean {
  const parts = pattern.trim().replace(/^v/, '').split('.');
  const last = parts[parts.length - 1] ?? '';
  const wildcard = last === '*' || last.toLowerCase() === 'x';
  const fixed = wildcard ? parts.slice(0, -1) : parts;
  if (wildcard ? fixed.length > 2 : fixed.length !== 3) return false;
  const actual = [version.major, version.minor, version.patch];
  return fixed.every((part, i) => /^(0|[1-9]\d*)$/.test(part) && Number(part) === actual[i]);
}
