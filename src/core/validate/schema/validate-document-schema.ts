import type { Diagnostic } from '../../diagnostic.js';
import type { SourceDocument } from '../../load/source-document.js';
import { ajvErrorsToDiagnostics } from './ajv-error-to-diagnostic.js';
import type { KkpRelease } from '../../kkp-release.js';
import { schemaValidators } from './schema-validators.js';

/**
 * Checks one document against the schema of its kind in a KKP release (default: the newest). Documents of a kind without a schema get no diagnostics
 * (the loader reports foreign kinds). Never throws.
 */
export function validateDocumentSchema(doc: SourceDocument, release?: KkpRelease): Diagnostic[] {
  const validate = schemaValidators(release).forKind(doc.kind);
  if (!validate || validate(doc.value)) return [];
  return ajvErrorsToDiagnostics(doc, validate.errors ?? []);
}

/** `validateDocumentSchema` over many documents, diagnostics in document order. */
export function validateDocumentsSchema(docs: readonly SourceDocument[], release?: KkpRelease): Diagnostic[] {
  return docs.flatMap((doc) => validateDocumentSchema(doc, release));
}
