/**
 * Per-kind comparison rules, as tables: values that KKP treats as equal, and fields KKP's webhooks and
 * controllers fill in (a field kkp-gitops stops setting there is refilled by KKP, so it is not a removal).
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

/** Paths (prefixes) KKP's defaulting fills on every object of a kind. */
export const WEBHOOK_DEFAULTED: Readonly<Record<string, readonly (readonly string[])[]>> = {
  Cluster: [
    ['spec', 'cloud', 'providerName'],
    ['spec', 'exposeStrategy'],
    ['spec', 'cniPlugin'],
    ['spec', 'clusterNetwork'],
    ['spec', 'componentsOverride'],
    ['spec', 'features'],
    ['spec', 'containerRuntime'],
    ['spec', 'enableOperatingSystemManager'],
    ['spec', 'kubernetesDashboard'],
  ],
  Seed: [['spec', 'exposeStrategy']],
};

export function normalizerFor(kind: string, path: readonly string[]): ((value: unknown) => unknown) | undefined {
  return EQUIVALENCE_RULES.find((r) => r.kind === kind && samePath(r.path, path))?.normalize;
}

export function isWebhookDefaulted(kind: string, path: readonly string[]): boolean {
  return (WEBHOOK_DEFAULTED[kind] ?? []).some((prefix) => prefix.length <= path.length && prefix.every((s, i) => s === path[i]));
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}
