/**
 * The repository configuration (`kkp-gitops.yaml` at the repository root), after defaults are filled in.
 * Contract shape; the loader owns parsing and the schema (`schemas/config.schema.json`).
 */
export type Edition = 'enterprise' | 'community';

export interface RepositoryConfig {
  /** Folders (or globs) to read, relative to the root. Default: the whole repository (`['.']`). */
  readonly paths: readonly string[];
  /** Globs to leave out. Default: none. */
  readonly exclude: readonly string[];
  /** KKP edition. Community allows one seed only, named `kubermatic`. Default: `enterprise`. */
  readonly edition: Edition;
  /** Identity stamped on rendered objects so other repositories' objects are never pruned. Default: set by the caller (remote or folder name). */
  readonly repository?: string;
  readonly policy: {
    /** Destructive deletions (Cluster, Seed, Datacenter) run without an explicit allowance. Default: false. */
    readonly allowDeletions: boolean;
    /** Drift found on the default branch is corrected automatically. Default: false. */
    readonly selfHeal: boolean;
  };
  readonly limits: {
    /** Largest YAML document accepted, in bytes. Default: 1 MiB. */
    readonly maxDocumentBytes: number;
    /** Most alias expansions in one document (alias-bomb guard). Default: 100. */
    readonly maxAliases: number;
  };
}
