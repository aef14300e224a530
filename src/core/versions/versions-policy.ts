import { KKP_API_VERSION } from '../kinds.js';
import type { LoadedRepository } from '../load/loaded-repository.js';
import type { SourceDocument } from '../load/source-document.js';
import { arrayAt, isPlainObject, stringAt } from '../model/plain-data.js';
import { DEFAULT_KKP_RELEASE, KKP_RELEASE_VERSIONS, type KkpRelease } from '../kkp-release.js';
import {
  compareKubernetesVersions,
  formatKubernetesVersion,
  matchesVersionConstraint,
  parseKubernetesVersion,
  type KubernetesVersion,
} from './kubernetes-version.js';

/** One entry of `spec.versions.updates`: clusters on a version matching `from` may move to one matching `to`. */
export interface VersionUpdateRule {
  readonly from: string;
  readonly to: string;
  readonly automatic?: boolean;
}

/** One entry of `spec.versions.providerIncompatibilities`: versions (a constraint) a provider may not use. */
export interface ProviderIncompatibility {
  /** A provider (`vsphere`), or '' for every provider. */
  readonly provider: string;
  readonly version: string;
  /** `always`, `inTreeProvider` (clusters without the external cloud provider), ... */
  readonly condition: string;
  /** `CREATE` or `UPGRADE`. */
  readonly operation: string;
}

/** Which Kubernetes versions clusters may run and how they may move between them. */
export interface VersionsPolicy {
  /** Allowed versions, normalised (`1.35.8`), sorted ascending. */
  readonly versions: readonly string[];
  readonly default?: string;
  readonly updates: readonly VersionUpdateRule[];
  readonly providerIncompatibilities: readonly ProviderIncompatibility[];
  /** Where the policy came from: the repository's KubermaticConfiguration, or KKP's built-in defaults. */
  readonly origin: 'repository' | 'default';
  /** The KKP release whose built-in defaults fill what the repository leaves out. */
  readonly release: KkpRelease;
  /** The KubermaticConfiguration the policy was read from, when `origin` is `repository`. */
  readonly document?: SourceDocument;
}

const builtIn = new Map<KkpRelease, VersionsPolicy>();

/**
 * KKP's built-in versions of a release (its generated KubermaticConfiguration reference, `spec.versions`), used
 * when the repository configures none.
 */
export function defaultVersionsPolicy(release: KkpRelease = DEFAULT_KKP_RELEASE): VersionsPolicy {
  const cached = builtIn.get(release);
  if (cached !== undefined) return cached;
  const file = KKP_RELEASE_VERSIONS[release];
  const updates: readonly { from: string; to: string; automatic?: boolean }[] = file.updates;
  const policy: VersionsPolicy = {
    versions: normalise(file.versions),
    default: file.default,
    updates: updates.map((u) => ({ from: u.from, to: u.to, ...(u.automatic === undefined ? {} : { automatic: u.automatic }) })),
    providerIncompatibilities: file.providerIncompatibilities,
    origin: 'default',
    release,
  };
  builtIn.set(release, policy);
  return policy;
}

/** The built-in versions of the newest release. */
export const DEFAULT_VERSIONS_POLICY: VersionsPolicy = defaultVersionsPolicy();

/**
 * The policy of a repository: the first KubermaticConfiguration's `spec.versions`, field by field (`versions`,
 * `default`, `updates`), falling back to the built-in defaults for each field it leaves empty, as KKP's defaulting
 * does. Badly shaped entries are skipped (the schema reports them).
 */
export function versionsPolicyOf(repo: LoadedRepository): VersionsPolicy {
  const defaults = defaultVersionsPolicy(repo.config.kkpVersion);
  const document = repo.documents.find((d) => d.apiVersion === KKP_API_VERSION && d.kind === 'KubermaticConfiguration');
  if (!document) return defaults;
  const versions = normalise((arrayAt(document.value, 'spec', 'versions', 'versions') ?? []).filter((v): v is string => typeof v === 'string'));
  const updates = (arrayAt(document.value, 'spec', 'versions', 'updates') ?? []).flatMap((u): VersionUpdateRule[] => {
    const from = stringAt(u, 'from');
    const to = stringAt(u, 'to');
    if (from === undefined || to === undefined) return [];
    const automatic = isPlainObject(u) && typeof u['automatic'] === 'boolean' ? u['automatic'] : undefined;
    return [automatic === undefined ? { from, to } : { from, to, automatic }];
  });
  const incompatibilities = (arrayAt(document.value, 'spec', 'versions', 'providerIncompatibilities') ?? []).flatMap((p): ProviderIncompatibility[] => {
    const version = stringAt(p, 'version');
    if (version === undefined) return [];
    return [{ provider: stringAt(p, 'provider') ?? '', version, condition: stringAt(p, 'condition') ?? '', operation: stringAt(p, 'operation') ?? '' }];
  });
  const configured = versions.length > 0 || updates.length > 0 || incompatibilities.length > 0 || stringAt(document.value, 'spec', 'versions', 'default') !== undefined;
  if (!configured) return defaults;
  const defaultVersion = stringAt(document.value, 'spec', 'versions', 'default') ?? defaults.default;
  return {
    versions: versions.length > 0 ? versions : defaults.versions,
    ...(defaultVersion === undefined ? {} : { default: defaultVersion }),
    updates: updates.length > 0 ? updates : defaults.updates,
    providerIncompatibilities: incompatibilities.length > 0 ? incompatibilities : defaults.providerIncompatibilities,
    origin: 'repository',
    release: defaults.release,
    document,
  };
}

function normalise(texts: readonly string[]): string[] {
  const parsed = texts.map(parseKubernetesVersion).filter((v): v is KubernetesVersion => v !== undefined);
  parsed.sort(compareKubernetesVersions);
  return [...new Set(parsed.map(formatKubernetesVersion))];
}

/** Whether clusters may be created on (or moved to) a version. `v1.35.8` and `1.35.8` are the same. */
export function isVersionAllowed(policy: VersionsPolicy, version: string): boolean {
  const parsed = parseKubernetesVersion(version);
  return parsed !== undefined && policy.versions.includes(formatKubernetesVersion(parsed));
}

/**
 * Why a cluster may not move from one version to another, or undefined when it may. As KKP's version manager
 * (pkg/version/manager.go `GetPossibleUpdates`): an update rule whose `from` matches the current version must have
 * a `to` that matches the new one; a downgrade or a skipped minor is allowed when a rule allows it (KKP's own
 * `1.33.* → 1.33.*` allows a patch downgrade). Whether the target is an allowed version at all is
 * `isVersionAllowed`'s question, not this one's.
 */
export function versionUpdateProblem(policy: VersionsPolicy, fromText: string, toText: string): string | undefined {
  const from = parseKubernetesVersion(fromText);
  const to = parseKubernetesVersion(toText);
  if (!from || !to) return undefined; // not versions: reported elsewhere
  if (compareKubernetesVersions(from, to) === 0) return undefined;
  const allowed = policy.updates.some((rule) => matchesVersionConstraint(from, rule.from) && matchesVersionConstraint(to, rule.to));
  return allowed ? undefined : `no update rule allows ${formatKubernetesVersion(from)} → ${formatKubernetesVersion(to)}`;
}

/**
 * The provider incompatibility that forbids a version for a cluster, or undefined (pkg/version/helpers.go
 * `checkProviderCompatibility`): one of the provider's (or every provider's) for the operation whose condition
 * holds (`always`, or one of the cluster's conditions) and whose constraint the version meets.
 */
export function providerIncompatibility(
  policy: VersionsPolicy,
  options: { readonly version: string; readonly provider: string; readonly operation: 'CREATE' | 'UPGRADE'; readonly conditions: readonly string[] },
): ProviderIncompatibility | undefined {
  const version = parseKubernetesVersion(options.version);
  if (!version) return undefined;
  return policy.providerIncompatibilities.find(
    (p) =>
      (p.provider === '' || p.provider === options.provider) &&
      p.operation === options.operation &&
      (p.condition === 'always' || options.conditions.includes(p.condition)) &&
      matchesVersionConstraint(version, p.version),
  );
}
