/**
 * The one ajv set-up the schemas are compiled with, whether at run time (`compileSchemaValidators`) or ahead of
 * time into `src/generated/validators/` (`scripts/generate-validators.ts`): same options, same formats, same
 * schemas, so both produce the same errors for the same document.
 */
import { Ajv, type CodeOptions } from 'ajv';
import { SCHEMA_FORMATS } from './formats.js';

export interface SchemaAjvOptions {
  /** The schema documents, `definitions.schema.json` included. */
  readonly documents: readonly Readonly<Record<string, unknown>>[];
  /** ajv's code options; the generator sets `source`, `esm` and `formats`. Default: none (compile for this process). */
  readonly code?: CodeOptions;
}

/** An ajv instance holding every schema of `documents` (not yet compiled: ajv compiles on first `getSchema`). */
export function createSchemaAjv(options: SchemaAjvOptions): Ajv {
  // Strict mode, except strictRequired: "exactly one provider" is written as `oneOf: [{required: [aws]}, ...]`,
  // whose branches name properties their parent defines. Union types: an optional CRD field may be null. `verbose` gives errors their schema and parent schema,
  // which the diagnostics use for did-you-mean hints and "exactly one of" messages.
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true, verbose: true, ...(options.code ? { code: options.code } : {}) });
  for (const [name, format] of Object.entries(SCHEMA_FORMATS)) ajv.addFormat(name, format);
  for (const schema of options.documents) ajv.addSchema(schema as Record<string, unknown>);
  return ajv;
}

/** `[kind, $id]` of every schema that declares a kind (`properties.kind.const`), in document order. */
export function schemaIdsByKind(documents: readonly Readonly<Record<string, unknown>>[]): Array<[kind: string, id: string]> {
  const pairs: Array<[string, string]> = [];
  for (const schema of documents) {
    const properties = schema.properties as Record<string, { const?: unknown }> | undefined;
    const kind = properties?.kind?.const;
    if (typeof kind === 'string' && typeof schema.$id === 'string') pairs.push([kind, schema.$id]);
  }
  return pairs;
}
