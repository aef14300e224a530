import type { RepositoryConfig } from '../config/repository-config.js';
import type { Diagnostic } from '../diagnostic.js';
import type { IgnoredInput, SourceDocument } from './source-document.js';

/** Everything the loader read from one revision of a desired-state repository. Read-only. */
export interface LoadedRepository {
  /** What was read, for messages: a folder path or `<repo dir>@<short sha>`. */
  readonly source: string;
  /** The commit SHA when read from Git. */
  readonly commit?: string;
  /** `kkp-gitops.yaml` at the root, or the documented defaults when there is none. */
  readonly config: RepositoryConfig;
  /** Documents of the kinds in `kinds.ts` (KKP kinds and ours), in file order. */
  readonly documents: readonly SourceDocument[];
  /**
   * Other well-formed documents with an apiVersion and kind (a ConfigMap, a Secret, ...). They are not rendered,
   * but rules may look at them (a Secret in the repository is an error).
   */
  readonly others: readonly SourceDocument[];
  /** Files and documents skipped, and why (non-YAML files, foreign kinds, empty files), for the output to say so. */
  readonly ignored: readonly IgnoredInput[];
  /** Problems found while reading (YAML syntax, duplicate keys, encodings, sizes, symlinks). */
  readonly diagnostics: readonly Diagnostic[];
}
