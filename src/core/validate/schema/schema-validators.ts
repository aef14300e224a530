/**
 * The schema validators, looked up by kind. In production they are the precompiled ones of
 * `src/generated/validators/` (ajv standalone code: no compilation at start-up); `compileSchemaValidators` builds
 * the same from `schemas/` at run time, to measure the difference and to check the generated code against it.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { SCHEMA_DOCUMENTS } from '../../../generated/schemas.js';
import * as precompiled from '../../../generated/validators/schema-validators.js';
import { createSchemaAjv, schemaIdsByKind } from './schema-ajv.js';

/** What a validator of either origin offers: call it, then read `errors` (ajv's, `verbose`) when it returned false. */
export interface DocumentValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

export interface SchemaValidators {
  /** The validator of a kind (`Cluster`, `Datacenter`, ...), or undefined when no schema declares that kind. */
  forKind(kind: string): DocumentValidator | undefined;
  /** The kinds that have a schema, sorted. */
  readonly kinds: readonly string[];
}

/** Compiles every schema afresh with ajv. Costly (a few hundred milliseconds): call `schemaValidators()` instead, except to measure or compare. */
export function compileSchemaValidators(): SchemaValidators {
  const ajv = createSchemaAjv({ documents: SCHEMA_DOCUMENTS });
  const byKind = new Map<string, ValidateFunction>();
  for (const [kind, id] of schemaIdsByKind(SCHEMA_DOCUMENTS)) {
    const validate = ajv.getSchema(id);
    if (validate) byKind.set(kind, validate);
  }
  return byKindValidators(byKind);
}

let loaded: SchemaValidators | undefined;

/** The process-wide validators: the precompiled ones (`npx tsx scripts/generate-validators.ts` writes them). */
export function schemaValidators(): SchemaValidators {
  loaded ??= byKindValidators(new Map(Object.entries(precompiled.VALIDATORS_BY_KIND as Readonly<Record<string, DocumentValidator>>)));
  return loaded;
}

function byKindValidators(byKind: ReadonlyMap<string, DocumentValidator>): SchemaValidators {
  return { forKind: (kind) => byKind.get(kind), kinds: [...byKind.keys()].sort() };
}
