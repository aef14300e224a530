import type { Diagnostic, Severity } from '../diagnostic.js';
import type { SourceDocument } from '../load/source-document.js';

export interface Finding {
  readonly rule: string;
  readonly message: string;
  readonly hint?: string;
  /** Default: `error`. */
  readonly severity?: Severity;
}

/** A diagnostic pointing at the node of `doc` at `pointer` (or its nearest existing parent). */
export function diagnosticAt(doc: SourceDocument, pointer: string, finding: Finding): Diagnostic {
  return {
    file: doc.file,
    ...doc.locate(pointer),
    pointer,
    rule: finding.rule,
    severity: finding.severity ?? 'error',
    message: finding.message,
    ...(finding.hint === undefined ? {} : { hint: finding.hint }),
  };
}

/** `clusters/prod.yaml:12`: where a node is, for messages that point at a second place. */
export function placeOf(doc: SourceDocument, pointer: string): string {
  return `${doc.file}:${doc.locate(pointer).line}`;
}
