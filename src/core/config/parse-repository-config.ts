import type { ErrorObject } from 'ajv';
import type { Diagnostic, SourceRange } from '../diagnostic.js';
import { schemaValidators, type DocumentValidator } from '../validate/schema/schema-validators.js';
import type { ConfigSpec } from '../../generated/config.js';
import { DEFAULT_REPOSITORY_CONFIG, rolloutConfig, type RepositoryConfig } from './repository-config.js';
import { closestName } from '../suggest.js';
import { isJsonObject } from '../json-value.js';

/** The configuration file as the loader read it: its plain value and the way back to its source. */
export interface ConfigDocument {
  readonly file: string;
  readonly value: unknown;
  locate(pointer: string): SourceRange;
}

export interface ParsedRepositoryConfig {
  readonly config: RepositoryConfig;
  /** Problems with the file, each on the line of the offending value (rules `config/...`). */
  readonly diagnostics: readonly Diagnostic[];
}

let validator: DocumentValidator | undefined;

/**
 * Validates `kkp-gitops.yaml` against `schemas/config.schema.json` and fills in defaults. A value that is
 * wrong is reported and replaced by its default; the rest of the file still counts. `undefined` (no file)
 * gives the defaults and no diagnostics.
 */
export function parseRepositoryConfig(document: ConfigDocument | undefined): ParsedRepositoryConfig {
  if (document === undefined) return { config: DEFAULT_REPOSITORY_CONFIG, diagnostics: [] };
  const validate = (validator ??= compileValidator());
  if (validate(document.value)) return { config: withDefaults(specOf(document.value)), diagnostics: [] };
  const errors = validate.errors ?? [];
  const diagnostics = errors.filter((e) => e.keyword !== 'if').map((e) => toDiagnostic(document, e));
  const cleaned = structuredClone(document.value) as unknown;
  for (const error of errors) removeOffendingValue(cleaned, error);
  return { config: withDefaults(specOf(cleaned)), diagnostics };
}

/** The precompiled validator of schemas/config.schema.json (compiling it with ajv here cost ~60 ms per process). */
function compileValidator(): DocumentValidator {
  const validate = schemaValidators().forKind('Config');
  if (validate === undefined) throw new Error('schemas/config.schema.json has no validator in src/generated/validators: run npx tsx scripts/generate-validators.ts');
  return validate;
}

function specOf(value: unknown): ConfigSpec {
  if (!isJsonObject(value) || !isJsonObject(value.spec)) return {};
  return value.spec as ConfigSpec;
}

function withDefaults(spec: ConfigSpec): RepositoryConfig {
  const defaults = DEFAULT_REPOSITORY_CONFIG;
  return {
    paths: spec.paths ?? defaults.paths,
    exclude: spec.exclude ?? defaults.exclude,
    edition: spec.edition ?? defaults.edition,
    kkpVersion: spec.kkpVersion ?? defaults.kkpVersion,
    ...(spec.repository === undefined ? {} : { repository: spec.repository }),
    policy: { ...defaults.policy, ...spec.policy, massDeletion: { ...defaults.policy.massDeletion, ...spec.policy?.massDeletion } },
    limits: { ...defaults.limits, ...spec.limits },
    rollout: rolloutConfig(spec.rollout),
  };
}

/**
 * Deletes the value an error is about, so the default takes its place: the property itself, or, for an error
 * inside a list (`paths/1`), the whole list.
 */
function removeOffendingValue(root: unknown, error: ErrorObject): void {
  const segments = pointerSegments(error.instancePath);
  if (error.keyword === 'additionalProperties') segments.push(String((error.params as { additionalProperty: string }).additionalProperty));
  if (error.keyword === 'required') return;
  let parent: unknown = root;
  for (let i = 0; i < segments.length; i += 1) {
    const segment = segments[i] as string;
    if (Array.isArray(parent)) return; // the list that holds the error was the previous step: handled below
    if (!isJsonObject(parent)) return;
    const child = parent[segment];
    if (i === segments.length - 1 || Array.isArray(child)) {
      delete parent[segment];
      return;
    }
    parent = child;
  }
}

function toDiagnostic(document: ConfigDocument, error: ErrorObject): Diagnostic {
  const base = { file: document.file, severity: 'error' as const };
  const where = error.instancePath === '' ? 'kkp-gitops.yaml' : error.instancePath.slice(1).replace(/\//g, '.');
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = String((error.params as { additionalProperty: string }).additionalProperty);
      const pointer = `${error.instancePath}/${escapePointer(name)}`;
      const allowed = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const suggestion = closestName(name, allowed);
      return {
        ...base,
        ...document.locate(pointer),
        pointer,
        rule: 'config/unknown-field',
        message: `Unknown field "${name}" in ${where}; it is ignored`,
        hint: suggestion === undefined ? `Allowed fields: ${allowed.join(', ')}` : `Did you mean "${suggestion}"?`,
      };
    }
    case 'required': {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      return {
        ...base,
        ...document.locate(error.instancePath),
        pointer: error.instancePath,
        rule: 'config/missing-field',
        message: `${where} needs the field "${missing}"`,
        hint: missing === 'apiVersion' || missing === 'kind' ? 'Start the file with apiVersion: gitops.kkp.dev/v1alpha1 and kind: Config' : undefined,
      };
    }
    case 'type':
      return {
        ...base,
        ...document.locate(error.instancePath),
        pointer: error.instancePath,
        rule: 'config/wrong-type',
        message: `${where} must be ${article(String((error.params as { type: string }).type))}; the default is used instead`,
      };
    default: {
      const allowed = (error.params as { allowedValues?: unknown[]; allowedValue?: unknown }).allowedValues ?? (error.keyword === 'const' ? [(error.params as { allowedValue?: unknown }).allowedValue] : undefined);
      return {
        ...base,
        ...document.locate(error.instancePath),
        pointer: error.instancePath,
        rule: 'config/invalid-value',
        message: `${where} ${error.message ?? 'is not valid'}; the default is used instead`,
        hint: allowed === undefined ? undefined : `Allowed: ${allowed.map((v) => JSON.stringify(v)).join(', ')}`,
      };
    }
  }
}

function article(type: string): string {
  return type === 'array' || type === 'object' || type === 'integer' ? `an ${type}` : `a ${type}`;
}

function pointerSegments(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
