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
 * Whether a version meets a constraint as KKP reads `updates[].from/to` and `providerIncompatibilities[].version`
 * (Masterminds semver constraints, `semverlib.NewConstraint`): an exact or partial version (`1.35.8`, `v1.35`,
 * `1.35.*`, `1.*`, `*`; `x`/`X` like `*`), an operator before one (`>= 1.29.0`, `<1.36`, `!=1.35.2`, `~1.35.1`,
 * `^1.35`), several joined by `,` or spaces (all must hold) and alternatives joined by `||`. Text that is none
 * of these matches nothing.
 */
export function matchesVersionConstraint(version: KubernetesVersion, constraint: string): boolean {
  return constraint.split('||').some((alternative) => {
    const terms = alternative.trim().replace(/(>=|<=|!=|[<>=~^])\s+/g, '$1').split(/[\s,]+/).filter((t) => t !== '');
    return terms.length > 0 && terms.every((term) => matchesTerm(version, term));
  });
}

/** The former name: a constraint of the KubermaticConfiguration's `updates`. */
export const matchesVersionPattern = matchesVersionConstraint;

const TERM = /^(>=|<=|!=|[<>=~^])?v?(0|[1-9]\d*|[*xX])(?:\.(0|[1-9]\d*|[*xX]))?(?:\.(0|[1-9]\d*|[*xX]))?$/;

function matchesTerm(version: KubernetesVersion, term: string): boolean {
  const match = TERM.exec(term);
  if (!match) return false;
  const op = match[1] ?? '=';
  const parts: Array<number | undefined> = [match[2], match[3], match[4]].map((p) => (p === undefined || /^[*xX]$/.test(p) ? undefined : Number(p)));
  // A part after a wildcard is a wildcard too.
  const fixed: number[] = [];
  for (const part of parts) {
    if (part === undefined) break;
    fixed.push(part);
  }
  const actual = [version.major, version.minor, version.patch];
  const lower = { major: fixed[0] ?? 0, minor: fixed[1] ?? 0, patch: fixed[2] ?? 0 };
  const prefixEqual = fixed.every((part, i) => actual[i] === part);
  const cmp = compareKubernetesVersions(version, lower);
  switch (op) {
    case '=':
      return prefixEqual;
    case '!=':
      return !prefixEqual;
    case '>':
      // `>1.35` is above every 1.35.x.
      return fixed.length === 3 ? cmp > 0 : !prefixEqual && cmp > 0;
    case '>=':
      return cmp >= 0;
    case '<':
      return cmp < 0;
    case '<=':
      return fixed.length === 3 ? cmp <= 0 : prefixEqual || cmp < 0;
    case '~':
      // >= the version, < the next minor (the next major when only the major is given).
      return cmp >= 0 && (fixed.length <= 1 ? version.major === lower.major : version.major === lower.major && version.minor === lower.minor);
    case '^':
      return cmp >= 0 && version.major === lower.major;
    default:
      return false;
  }
}
