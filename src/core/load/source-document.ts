import type { Diagnostic, SourceRange } from '../diagnostic.js';

/**
 * One YAML document of the desired-state repository, parsed, with the means to point back at its source.
 * `value` is plain data (what `yaml`'s `toJS()` gives) and is read-only: stages copy before they change anything.
 */
export interface SourceDocument {
  /** Repository-relative path with POSIX separators. */
  readonly file: string;
  /** 0-based position of the document in its file. */
  readonly index: number;
  readonly apiVersion: string;
  readonly kind: string;
  /** `metadata.name`, or '' when absent (the validator reports that). */
  readonly name: string;
  readonly namespace?: string;
  readonly value: Readonly<Record<string, unknown>>;
  /** Line of the document's first content line (where `locate('')` points), known without locating. */
  readonly line?: number;
  /**
   * The source range of the node at a JSON pointer, falling back to the nearest existing parent, then the document.
   * With `key: true` a map entry's range starts at its key (for findings about the field itself, like an unknown field).
   */
  locate(pointer: string, options?: LocateOptions): SourceRange;
}

export interface LocateOptions {
  /** Start a map entry's range at its key rather than at its value. Default: false. */
  readonly key?: boolean;
}

/** A file or document that was read but is not a kind kkp-gitops manages, and why. */
export interface IgnoredInput {
  readonly file: string;
  readonly index?: number;
  readonly reason: string;
}
