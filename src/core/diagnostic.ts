export type Severity = 'error' | 'warning' | 'info';

/** A position in a repository file; lines and columns are 1-based. */
export interface SourceRange {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** A validation finding. A value, never thrown. */
export interface Diagnostic extends SourceRange {
  /** Repository-relative, POSIX separators (`clusters/prod-1.yaml`). */
  readonly file: string;
  /** JSON pointer into the document (`/spec/cloud/dc`); empty for the whole document or file. */
  readonly pointer: string;
  /** Stable rule id (`schema/additional-property`, `datacenter/unique-name`, `load/yaml-syntax`). */
  readonly rule: string;
  readonly severity: Severity;
  /** What is wrong, in words a person can act on. */
  readonly message: string;
  /** How to fix it, when there is something to say (did-you-mean, allowed values). */
  readonly hint?: string;
}

export const WHOLE_FILE: SourceRange = { line: 1, column: 1, endLine: 1, endColumn: 1 };

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Sort by file, then position, then rule: the order every report prints them in. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}
