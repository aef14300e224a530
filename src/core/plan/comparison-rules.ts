/**
 * Per-kind comparison rules, as a table: values that KKP treats as equal. What KKP's defaulting fills in is not
 * copied here: the plan diffs every update against the API server's dry-run answer (see `dry-run-plan.ts`).
 */
export interface EquivalenceRule {
  readonly kind: string;
  readonly path: readonly string[];
  readonly normalize: (value: unknown) => unknown;
}

const stripV = (value: unknown): unknown => (typeof value === 'string' ? value.replace(/^v/, '') : value);

export const EQUIVALENCE_RULES: readonly EquivalenceRule[] = [
  // `1.35.8` and `v1.35.8` name the same Kubernetes version.
  { kind: 'Cluster', path: ['spec', 'version'], normalize: stripV },
];

export function normalizerFor(kind: string, path: readonly string[]): ((value: unknown) => unknown) | undefined {
  return EQUIVALENCE_RULES.find((r) => r.kind === kind && samePath(r.path, path))?.normalize;
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}
