/**
 * The compiled schemas: one ajv instance, every schema of `schemas/` compiled once per process, looked up by kind.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import formatsPlugin, { type FormatsPlugin } from 'ajv-formats';
import { SCHEMA_DOCUMENTS } from '../../../generated/schemas.js';
import { CUSTOM_FORMATS } from './formats.js';

export interface SchemaValidators {
  /** The validator of a kind (`Cluster`, `Datacenter`, ...), or undefined when no schema declares that kind. */
  forKind(kind: string): ValidateFunction | undefined;
  /** The kinds that have a schema, sorted. */
  readonly kinds: readonly string[];
}

// ajv-formats is CommonJS: under NodeNext its default import is the module object, whose `default` is the plugin.
const addFormats = ((formatsPlugin as unknown as { default?: FormatsPlugin }).default ?? formatsPlugin) as unknown as FormatsPlugin;

/** Compiles every schema afresh. Costly (tens of milliseconds): call `schemaValidators()` instead, except to measure. */
export function compileSchemaValidators(): SchemaValidators {
  // Strict mode, except strictRequired: "exactly one provider" is written as `oneOf: [{required: [aws]}, ...]`,
  // whose branches name properties their parent defines.
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, verbose: true });
  addFormats(ajv, ['email', 'uri', 'ipv4']);
  for (const [name, format] of Object.entries(CUSTOM_FORMATS)) ajv.addFormat(name, { type: 'string', validate: format.validate });
  for (const schema of SCHEMA_DOCUMENTS) ajv.addSchema(schema as Record<string, unknown>);

  const byKind = new Map<string, ValidateFunction>();
  for (const schema of SCHEMA_DOCUMENTS) {
    const kind = kindConst(schema);
    const id = schema.$id;
    if (kind === undefined || typeof id !== 'string') continue;
    const validate = ajv.getSchema(id);
    if (validate) byKind.set(kind, validate);
  }
  return { forKind: (kind) => byKind.get(kind), kinds: [...byKind.keys()].sort() };
}

let compiled: SchemaValidators | undefined;

/** The process-wide compiled schemas, compiled on first use. */
export function schemaValidators(): SchemaValidators {
  compiled ??= compileSchemaValidators();
  return compiled;
}

function kindConst(schema: Readonly<Record<string, unknown>>): string | undefined {
  const properties = schema.properties as Record<string, { const?: unknown }> | undefined;
  const kind = properties?.kind?.const;
  return typeof kind === 'string' ? kind : undefined;
}
