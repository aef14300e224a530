import { KKP_API_VERSION } from '../kinds.js';
import type { LoadedRepository } from '../load/loaded-repository.js';
import type { SourceDocument } from '../load/source-document.js';
import { arrayAt, isPlainObject, stringAt } from '../model/plain-data.js';
import defaults from './default-versions.json' with { type: 'json' };
import {
  compareKubernetesVersions,
  formatKubernetesVersion,
  matchesVersionPattern,
  parseKubernetesVersion,
  type KubernetesVersion,
} from './kubernetes-version.js';

/** One entry of `spec.versions.updates`: clusters on a version matching `from` may move to one matching `to`. */
export interface VersionUpdateRule {
  readonly from: string;
  readonly to: string;
  readonly automatic?: boolean;
}

/** Which Kubernetes versions clusters may run and how they may move between them. */
export interface VersionsPolicy {
  /** Allowed versions, normalised (`1.35.8`), sorted ascending. */
  readonly versions: readonly string[];
  readonly default?: string;
  readonly updates: readonly VersionUpdateRule[];
  /** Where the policy came from: the repository's KubermaticConfiguration, or KKP's built-in defaults. */
  readonly origin: 'repository' | 'default';
  /** The KubermaticConfiguration the policy was read from, when `origin` is `repository`. */
  readonly document?: SourceDocument;
}

interface DefaultVersionsFile {
  readonly default: string;
  readonly versions: Readonly<Record<string, readonly number[]>>;
  readonly updates: readonly VersionUpdateRule[];
}

/** KKP's built-in versions (`default-versions.json`), used when the repository configures none. */
export const DEFAULT_VERSIONS_POLICY: VersionsPolicy = fromDefaultsFile(defaults as DefaultVersionsFile);

function fromDefaultsFile(file: DefaultVersionsFile): VersionsPolicy {
  const versions = Object.entries(file.versions).flatMap(([minor, patches]) => patches.map((p) => `${minor}.${p}`));
  return { versions: normalise(versions), default: file.default, updates: file.updates, origin: 'default' };
}

/**
 * The policy of a repository: the first KubermaticConfiguration's `spec.versions`, field by field (`versions`,
 * `default`, `updates`), falling back to the built-in defaults for each field it leaves empty, as KKP's defaulting
 * does. Badly shaped entries are skipped (the schema reports them).
 */
export function versionsPolicyOf(repo: LoadedRepository): VersionsPolicy {
  const document = repo.documents.find((d) => d.apiVersion === KKP_API_VERSION && d.kind === 'KubermaticConfiguration');
  if (!document) return DEFAULT_VERSIONS_POLICY;
  const versions = normalise((arrayAt(document.value, 'spec', 'versions', 'versions') ?? []).filter((v): v is string => typeof v === 'string'));
  const updates = (arrayAt(document.value, 'spec', 'versions', 'updates') ?? []).flatMap((u): VersionUpdateRule[] => {
    const from = stringAt(u, 'from');
    const to = stringAt(u, 'to');
    if (from === undefined || to === undefined) return [];
    const automatic = isPlainObject(u) && typeof u['automatic'] === 'boolean' ? u['automatic'] : undefined;
    return [automatic === undefined ? { from, to } : { from, to, automatic }];
  });
  const configured = versions.length > 0 || updates.length > 0 || stringAt(document.value, 'spec', 'versions', 'default') !== undefined;
  if (!configured) return DEFAULT_VERSIONS_POLICY;
  const defaultVersion = stringAt(document.value, 'spec', 'versions', 'default') ?? DEFAULT_VERSIONS_POLICY.default;
  return {
    versions: versions.length > 0 ? versions : DEFAULT_VERSIONS_POLICY.versions,
    ...(defaultVersion === undefined ? {} : { default: defaultVersion }),
    updates: updates.length > 0 ? updates : DEFAULT_VERSIONS_POLICY.updates,
    origin: 'repository',
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
 * Why a cluster may not move from one version to another, or undefined when it may. Never allowed: a downgrade,
 * skipping a minor version. Otherwise an update rule must match both ends. Whether the target is an allowed version
 * at all is `isVersionAllowed`'s question, not this one's.
 */
export function versionUpdateProblem(policy: VersionsPolicy, fromText: string, toText: string): string | undefined {
  const from = parseKubernetesVersion(fromText);
  const to = parseKubernetesVersion(toText);
  if (!from || !to) return undefined; // not versions: reported elsewhere
  const order = compareKubernetesVersions(from, to);
  if (order === 0) return undefined;
  const fromName = formatKubernetesVersion(from);
  const toName = formatKubernetesVersion(to);
  if (order > 0) return `downgrading from ${fromName} to ${toName} is not possible`;
  if (to.major !== from.major || to.minor > from.minor + 1) return `updating from ${fromName} to ${toName} skips a minor version`;
  const allowed = policy.updates.some((rule) => matchesVersionPattern(from, rule.from) && matchesVersionPattern(to, rule.to));
  return allowed ? undefined : `no update rule allows ${fromName} → ${toName}`;
}
