import type { ConfigChangeWindow, ConfigSpec } from '../../generated/config.js';
import { DEFAULT_KKP_RELEASE, type KkpRelease } from '../kkp-release.js';

/**
 * The repository configuration (`kkp-gitops.yaml` at the repository root), after defaults are filled in.
 * The input shape is `ConfigSpec`, generated from `schemas/config.schema.json`; this is the same shape with
 * every field present (except `repository`) and read-only. `parseRepositoryConfig` turns one into the other.
 */
export type Edition = NonNullable<ConfigSpec['edition']>;

/** The `spec` of `kkp-gitops.yaml` as written: every field optional. Generated from the schema. */
export type RepositoryConfigInput = ConfigSpec;

/** `T` with every field present and read-only, nested objects too: the shape of a section once its defaults are in. */
export type Complete<T> = { readonly [K in keyof T]-?: NonNullable<T[K]> extends object ? Complete<NonNullable<T[K]>> : NonNullable<T[K]> };

export interface RepositoryConfig {
  /** Folders (or globs) to read, relative to the root. Default: the whole repository (`['.']`). */
  readonly paths: readonly string[];
  /** Globs to leave out. Default: none. */
  readonly exclude: readonly string[];
  /** KKP edition. Community allows one seed only, named `kubermatic`. Default: `enterprise`. */
  readonly edition: Edition;
  /** KKP release the repository targets: schemas, sandbox CRDs, built-in versions. Default: the newest. */
  readonly kkpVersion: KkpRelease;
  /** Identity stamped on rendered objects so other repositories' objects are never pruned. Default: set by the caller (remote or folder name). */
  readonly repository?: string;
  readonly policy: Complete<NonNullable<ConfigSpec['policy']>>;
  readonly limits: Readonly<Required<NonNullable<ConfigSpec['limits']>>>;
  /** How a default-branch commit rolls out: health gating, waves, change windows (`spec.rollout`). */
  readonly rollout: RolloutConfig;
}

/** `spec.rollout` with its defaults: wait for health (10 minutes per target), one wave of every seed, halt on failure. */
export interface RolloutConfig {
  readonly wait: boolean;
  readonly timeoutSeconds: number;
  readonly haltOnFailure: boolean;
  /** The seed waves in order, each seed-name globs and its change windows; empty: one wave of every seed. */
  readonly waves: readonly RolloutWave[];
}

export interface RolloutWave {
  readonly seeds: readonly string[];
  /** Empty: the wave may start at any time. */
  readonly windows: readonly ChangeWindow[];
}

export type ChangeWindow = Readonly<ConfigChangeWindow>;

export const DEFAULT_ROLLOUT: RolloutConfig = Object.freeze({ wait: true, timeoutSeconds: 600, haltOnFailure: true, waves: Object.freeze([]) });

/** `spec.rollout` as written (waves as plain glob lists or `{seeds, windows}`) with the defaults filled in. */
export function rolloutConfig(input: ConfigSpec['rollout']): RolloutConfig {
  return {
    wait: input?.wait ?? DEFAULT_ROLLOUT.wait,
    timeoutSeconds: input?.timeoutSeconds ?? DEFAULT_ROLLOUT.timeoutSeconds,
    haltOnFailure: input?.haltOnFailure ?? DEFAULT_ROLLOUT.haltOnFailure,
    waves: (input?.waves ?? []).map((w) => (Array.isArray(w) ? { seeds: w, windows: [] } : { seeds: w.seeds, windows: w.windows ?? [] })),
  };
}

/** The configuration of a repository without `kkp-gitops.yaml`, and the value of every field left out of one. */
export const DEFAULT_REPOSITORY_CONFIG: RepositoryConfig = Object.freeze({
  paths: Object.freeze(['.']),
  exclude: Object.freeze([]),
  edition: 'enterprise',
  kkpVersion: DEFAULT_KKP_RELEASE,
  policy: Object.freeze({ allowDeletions: false, selfHeal: false, massDeletion: Object.freeze({ maxShare: 0.5 }) }),
  rollout: DEFAULT_ROLLOUT,
  limits: Object.freeze({ maxDocumentBytes: 1_048_576, maxAliases: 100, maxFileBytes: 4_194_304, maxFiles: 20_000, maxTotalBytes: 268_435_456, maxDocumentsPerFile: 1_000, maxDepth: 64 }),
});
