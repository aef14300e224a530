import type { ConfigSpec } from '../../generated/config.js';
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
}

/** The configuration of a repository without `kkp-gitops.yaml`, and the value of every field left out of one. */
export const DEFAULT_REPOSITORY_CONFIG: RepositoryConfig = Object.freeze({
  paths: Object.freeze(['.']),
  exclude: Object.freeze([]),
  edition: 'enterprise',
  kkpVersion: DEFAULT_KKP_RELEASE,
  policy: Object.freeze({ allowDeletions: false, selfHeal: false, massDeletion: Object.freeze({ maxShare: 0.5 }) }),
  limits: Object.freeze({ maxDocumentBytes: 1_048_576, maxAliases: 100, maxFileBytes: 4_194_304, maxFiles: 20_000, maxTotalBytes: 268_435_456, maxDocumentsPerFile: 1_000, maxDepth: 64 }),
});
