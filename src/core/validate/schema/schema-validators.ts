/**
 * The schema validators of a KKP release, looked up by kind. In production they are the precompiled ones of
 * `src/generated/validators/` (ajv standalone code: no compilation at start-up); `compileSchemaValidators` builds
 * the same from `schemas/` at run time, to measure the difference and to check the generated code against it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { DEFAULT_KKP_RELEASE, type KkpRelease } from '../../kkp-release.js';
import { VALIDATORS_BY_RELEASE } from '../../../generated/validators/index.js';
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

/** `schemas/` of this package (shipped with it: `package.json` `files`), from src/ or dist/ alike. */
const SCHEMAS_DIR = fileURLToPath(new URL('../../../../schemas/', import.meta.url));

/** Our schemas (`schemas/*.schema.json`) and those of the release (`schemas/kkp/<release>/`), in file-name order. */
export function schemaDocuments(release: KkpRelease = DEFAULT_KKP_RELEASE): Record<string, unknown>[] {
  const read = (dir: string) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.schema.json'))
      .sort()
      .map((f) => JSON.parse(readFileSync(`${dir}${f}`, 'utf8')) as Record<string, unknown>);
  return [...read(SCHEMAS_DIR), ...read(`${SCHEMAS_DIR}kkp/${release}/`)];
}

/** Compiles every schema of a release afresh with ajv. Costly (seconds): call `schemaValidators()` instead, except to measure or compare. */
export function compileSchemaValidators(release: KkpRelease = DEFAULT_KKP_RELEASE): SchemaValidators {
  const documents = schemaDocuments(release);
  const ajv = createSchemaAjv({ documents });
  const byKind = new Map<string, ValidateFunction>();
  for (const [kind, id] of schemaIdsByKind(documents)) {
    const validate = ajv.getSchema(id);
    if (validate) byKind.set(kind, validate);
  }
  return byKindValidators(byKind);
}

const loaded = new Map<KkpRelease, SchemaValidators>();

/** The process-wide validators of a release: the precompiled ones (`npx tsx scripts/generate-validators.ts` writes them). */
export function schemaValidators(release: KkpRelease = DEFAULT_KKP_RELEASE): SchemaValidators {
  let validators = loaded.get(release);
  if (validators === undefined) {
    const byKind = (VALIDATORS_BY_RELEASE as Readonly<Record<KkpRelease, Readonly<Record<string, DocumentValidator>>>>)[release];
    validators = byKindValidators(new Map(Object.entries(byKind)));
    loaded.set(release, validators);
  }
  return validators;
}

function byKindValidators(byKind: ReadonlyMap<string, DocumentValidator>): SchemaValidators {
  return { forKind: (kind) => byKind.get(kind), kinds: [...byKind.keys()].sort() };
}
