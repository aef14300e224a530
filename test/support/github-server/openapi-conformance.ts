/**
 * Checks recorded GitHub API traffic against GitHub's official OpenAPI description (`@octokit/openapi`,
 * api.github.com, OpenAPI 3.0): every request names a documented operation, its JSON body fits the operation's
 * request schema, its status is one the operation documents, and the JSON the local server answered fits that
 * response's schema. Injected faults (5xx, secondary rate limits) are not the server's own answers and are skipped.
 */
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { RecordedRequest } from './github-server.js';

interface Operation {
  readonly requestBody?: { readonly content?: Record<string, { readonly schema?: object }> };
  readonly responses: Record<string, { readonly content?: Record<string, { readonly schema?: object }> } | { readonly $ref: string }>;
}

interface Description {
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components: { readonly schemas: Record<string, object>; readonly responses: Record<string, { readonly content?: Record<string, { readonly schema?: object }> }> };
}

let loaded: { spec: Description; ajv: Ajv } | undefined;
const validators = new Map<object, ValidateFunction>();

function load(): { spec: Description; ajv: Ajv } {
  if (loaded) return loaded;
  const spec = createRequire(import.meta.url)('@octokit/openapi/generated/api.github.com.json') as Description;
  // OpenAPI 3.0 schemas: `nullable`, `example` and `x-*` keywords; formats checked as GitHub declares them.
  const ajv = new Ajv({ strict: false, allErrors: false, discriminator: false });
  const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
  addFormats(ajv);
  ajv.addSchema({ $id: 'github', components: { schemas: withoutNullable(spec.components.schemas) } });
  loaded = { spec, ajv };
  return loaded;
}

/**
 * OpenAPI 3.0's `nullable: true` as JSON Schema: `null` added to `type` (and to `enum`), or, beside `allOf`/`oneOf`/
 * `anyOf`/`$ref` without a type, an `anyOf` with `{type: 'null'}`.
 */
function withoutNullable<T>(node: T): T {
  if (Array.isArray(node)) return node.map((n: unknown) => withoutNullable(n)) as T;
  if (typeof node !== 'object' || node === null) return node;
  const { nullable, ...rest } = node as Record<string, unknown>;
  const converted = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, k === 'example' || k === 'examples' ? v : withoutNullable(v)])) as Record<string, unknown>;
  let schema: Record<string, unknown> = converted;
  if (nullable === true) {
    if (typeof converted['type'] === 'string') {
      const enumerated = Array.isArray(converted['enum']) ? { enum: [...(converted['enum'] as unknown[]), null] } : {};
      schema = { ...converted, type: [converted['type'], 'null'], ...enumerated };
    } else schema = { anyOf: [converted, { type: 'null' }] };
  }
  // The documented default is a valid value even where a format says otherwise (`log_url: ''` with format uri).
  if (typeof converted['format'] === 'string' && converted['default'] === '') schema = { anyOf: [schema, { const: '' }] };
  return schema as T;
}

function validatorFor(ajv: Ajv, schema: object): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) {
    // `#/components/...` inside the description, resolved against the document added as `github`.
    const rebased = withoutNullable(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"github#/components/')) as object);
    validate = ajv.compile(rebased);
    validators.set(schema, validate);
  }
  return validate;
}

function jsonSchema(content: Record<string, { readonly schema?: object }> | undefined): object | undefined {
  if (!content) return undefined;
  const json = Object.entries(content).find(([type]) => type.startsWith('application/json') || type.endsWith('+json'));
  return json?.[1].schema;
}

/** The problems found, one line each (`POST /repos/{owner}/{repo}/check-runs 201: response /output: ...`); [] when all conform. */
export function openApiProblems(requests: readonly RecordedRequest[]): string[] {
  const { spec, ajv } = load();
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const r of requests) {
    if (r.route === 'git' || r.status >= 500 || (r.status === 403 && (r.responseBody as { message?: string } | undefined)?.message?.includes('secondary rate limit'))) continue;
    const where = `${r.method} ${r.route} ${r.status}`;
    const report = (problem: string) => {
      const line = `${where}: ${problem}`;
      if (!seen.has(line)) problems.push(line);
      seen.add(line);
    };
    if (r.route === 'unmatched') {
      report(`no route of the local server answers ${r.path}`);
      continue;
    }
    const operation = spec.paths[r.route]?.[r.method.toLowerCase()];
    if (!operation) {
      report('not an operation of the OpenAPI description');
      continue;
    }
    const requestSchema = jsonSchema(operation.requestBody?.content);
    if (requestSchema && r.body !== undefined) {
      const validate = validatorFor(ajv, requestSchema);
      if (!validate(r.body)) report(`request ${ajv.errorsText(validate.errors, { dataVar: 'body' })}`);
    }
    let response = operation.responses[String(r.status)];
    if (response && '$ref' in response) response = spec.components.responses[response.$ref.replace('#/components/responses/', '')];
    if (!response) {
      report(`status ${r.status} is not documented (documented: ${Object.keys(operation.responses).join(', ')})`);
      continue;
    }
    const responseSchema = jsonSchema(response.content);
    if (responseSchema && r.responseBody !== undefined) {
      const validate = validatorFor(ajv, responseSchema);
      if (!validate(r.responseBody)) report(`response ${ajv.errorsText(validate.errors, { dataVar: 'body' })}`);
    }
  }
  return problems;
}
