/**
 * Turns ajv's errors for one document into diagnostics: one per problem, on the exact node, in words a person can
 * act on, with a did-you-mean hint for unknown fields and enum values. ajv's `oneOf`/`anyOf` fan-out (an error per
 * failed branch plus one for the combinator) collapses into one diagnostic.
 */
import type { ErrorObject } from 'ajv';
import type { Diagnostic } from '../../diagnostic.js';
import type { SourceDocument } from '../../load/source-document.js';
import { closestName } from '../../suggest.js';
import { describePointer, escapeToken, valueAt } from './describe-pointer.js';
import { describeFormat } from './formats.js';

/** Fields the API server or KKP's controllers write: they never belong in Git. */
const SERVER_METADATA = new Set([
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'generation',
  'managedFields',
  'ownerReferences',
  'finalizers',
  'selfLink',
]);

/** Inline credential fields of KKP's provider blocks (`spec.cloud.<provider>.<field>`). */
const CREDENTIAL_FIELDS = new Set([
  'accessKeyID',
  'secretAccessKey',
  'accessKeySecret',
  'assumeRoleExternalID',
  'token',
  'apiToken',
  'serviceAccount',
  'username',
  'password',
  'clientID',
  'clientSecret',
  'tenantID',
  'subscriptionID',
  'applicationCredentialID',
  'applicationCredentialSecret',
  'kubeconfig',
  'csiKubeconfig',
  'infraManagementUser',
]);

const CLOUD_PROVIDER_BLOCK = /^\/spec\/cloud\/[^/]+$/;

type Finding = Pick<Diagnostic, 'pointer' | 'rule' | 'message'> & { hint?: string };

export function ajvErrorsToDiagnostics(doc: SourceDocument, errors: readonly ErrorObject[]): Diagnostic[] {
  const findings = collapseCombinators(doc, errors).concat(
    errors.filter((e) => !isCombinator(e) && !insideCombinator(e, errors)).flatMap((e) => describeError(doc, e)),
  );
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const finding of findings) {
    const key = `${finding.pointer}|${finding.rule}|${finding.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    diagnostics.push({
      file: doc.file,
      // Findings about a field itself (an unknown field) point at its key, not at the start of its value.
      ...doc.locate(finding.pointer, { key: finding.rule === 'schema/additional-property' }),
      pointer: finding.pointer,
      rule: finding.rule,
      severity: 'error',
      message: finding.message,
      ...(finding.hint === undefined ? {} : { hint: finding.hint }),
    });
  }
  return diagnostics;
}

function isCombinator(error: ErrorObject): boolean {
  return error.keyword === 'oneOf' || error.keyword === 'anyOf';
}

function isBranchOf(error: ErrorObject, combinator: ErrorObject): boolean {
  return (
    error !== combinator &&
    error.schemaPath.startsWith(`${combinator.schemaPath}/`) &&
    (error.instancePath === combinator.instancePath || error.instancePath.startsWith(`${combinator.instancePath}/`))
  );
}

function insideCombinator(error: ErrorObject, errors: readonly ErrorObject[]): boolean {
  return errors.some((other) => isCombinator(other) && isBranchOf(error, other));
}

/** One finding per outermost oneOf/anyOf error, in place of it and all its branches' errors. */
function collapseCombinators(doc: SourceDocument, errors: readonly ErrorObject[]): Finding[] {
  const outermost = errors.filter((e) => isCombinator(e) && !insideCombinator(e, errors));
  return outermost.flatMap((combinator) => {
    const branches = combinator.schema as unknown;
    if (Array.isArray(branches) && branches.every(isRequiredOnly)) return [exactlyOneOf(doc, combinator, branches)];
    // General case: report the errors of the branch that came closest (fewest errors), described as usual.
    const branchErrors = errors.filter((e) => isBranchOf(e, combinator) && !isCombinator(e));
    const byBranch = new Map<string, ErrorObject[]>();
    for (const e of branchErrors) {
      const branch = e.schemaPath.slice(combinator.schemaPath.length + 1).split('/')[0] ?? '';
      byBranch.set(branch, [...(byBranch.get(branch) ?? []), e]);
    }
    const path = describePointer(combinator.instancePath);
    // A branch failing on the type of the value itself does not fit at all; among the others, fewest errors wins.
    const misfit = (list: readonly ErrorObject[]) => list.some((e) => e.keyword === 'type' && e.instancePath === combinator.instancePath);
    const ranked = [...byBranch.values()].sort((a, b) => Number(misfit(a)) - Number(misfit(b)) || a.length - b.length);
    const closest = ranked[0];
    if (ranked.length > 1 && ranked.every(misfit)) {
      const types = ranked.flatMap((list) => list.filter((e) => e.keyword === 'type').map((e) => article(String((e.params as { type: unknown }).type))));
      const value = valueAt(doc.value, combinator.instancePath);
      return [{ pointer: combinator.instancePath, rule: 'schema/type', message: `${path} must be ${[...new Set(types)].join(' or ')}, not ${typeOf(value)}` }];
    }
    if (combinator.keyword === 'oneOf' && Array.isArray((combinator.params as { passingSchemas?: unknown }).passingSchemas)) {
      return [{ pointer: combinator.instancePath, rule: 'schema/one-of', message: `${path} matches more than one of its allowed forms` }];
    }
    if (!closest) return [{ pointer: combinator.instancePath, rule: ruleId(combinator.keyword), message: `${path} matches none of its allowed forms` }];
    return closest.flatMap((e) => describeError(doc, e));
  });
}

function isRequiredOnly(branch: unknown): branch is { required: string[] } {
  return (
    typeof branch === 'object' &&
    branch !== null &&
    Object.keys(branch).length === 1 &&
    Array.isArray((branch as { required?: unknown }).required) &&
    (branch as { required: unknown[] }).required.length === 1
  );
}

/** `oneOf: [{required: [aws]}, {required: [gcp]}, ...]`: exactly one of these keys. */
function exactlyOneOf(doc: SourceDocument, combinator: ErrorObject, branches: ReadonlyArray<{ required: string[] }>): Finding {
  const keys = branches.map((b) => b.required[0] ?? '');
  const value = valueAt(doc.value, combinator.instancePath);
  // In the document's key order, so the second one written is the one pointed at.
  const present = value !== null && typeof value === 'object' ? Object.keys(value).filter((k) => keys.includes(k)) : [];
  const path = describePointer(combinator.instancePath);
  const rule = ruleId(combinator.keyword);
  if (present.length === 0) {
    const typo = value !== null && typeof value === 'object' ? Object.keys(value).map((k) => [k, closestName(k, keys)] as const).find(([, c]) => c) : undefined;
    return {
      pointer: combinator.instancePath,
      rule,
      message: `${path} must set exactly one of ${keys.join(', ')}; it sets none`,
      hint: typo ? `Did you mean ${typo[1]} instead of ${typo[0]}?` : `Add one block, like ${keys[0]}: {...}.`,
    };
  }
  const [first, second] = present;
  return {
    pointer: `${combinator.instancePath}/${escapeToken(second ?? '')}`,
    rule,
    message: `${path} must set exactly one of ${keys.join(', ')}; it sets ${present.join(' and ')}`,
    hint: `Keep ${first} or ${second}, not both.`,
  };
}

function describeError(doc: SourceDocument, error: ErrorObject): Finding[] {
  const params = error.params as Record<string, unknown>;
  const at = error.instancePath;
  const path = describePointer(at);
  const value = valueAt(doc.value, at);
  const propertyName = (error as { propertyName?: string }).propertyName;

  if (error.keyword === 'propertyNames') return []; // its inner error says what is wrong with the key
  if (propertyName !== undefined) {
    const format = error.keyword === 'format' ? describeFormat(String(params.format)) : 'a valid name';
    return [{ pointer: `${at}/${escapeToken(propertyName)}`, rule: ruleId(error.keyword), message: `${path} key "${propertyName}" must be ${format}` }];
  }

  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      const pointer = `${at}/${escapeToken(missing)}`;
      return [{ pointer, rule: 'schema/required', message: `${describePointer(pointer)} is required` }];
    }
    case 'additionalProperties':
      return [unknownField(error, String(params.additionalProperty))];
    case 'enum': {
      // `null` in an enum only says the field may be left out (the apiserver prunes it): not a value to suggest.
      const allowed = (params.allowedValues as unknown[]).filter((v) => v !== null).map(String);
      const suggestion = typeof value === 'string' ? closestName(value, allowed) : undefined;
      return [
        {
          pointer: at,
          rule: 'schema/enum',
          message: `${path} must be one of ${allowed.join(', ')}`,
          hint: suggestion ? `Did you mean ${suggestion}?` : `Got ${JSON.stringify(value)}.`,
        },
      ];
    }
    case 'const':
      return [{ pointer: at, rule: 'schema/const', message: `${path} must be ${String(params.allowedValue)}`, hint: `Got ${JSON.stringify(value)}.` }];
    case 'type':
      return [{ pointer: at, rule: 'schema/type', message: `${path} must be ${article(String(params.type))}, not ${typeOf(value)}` }];
    case 'format':
      return [{ pointer: at, rule: 'schema/format', message: `${path} must be ${describeFormat(String(params.format))}; got ${JSON.stringify(value)}` }];
    case 'maxLength':
      return [{ pointer: at, rule: 'schema/max-length', message: `${path} must be at most ${String(params.limit)} characters long; it has ${String(value).length}` }];
    case 'minLength':
      return [{ pointer: at, rule: 'schema/min-length', message: params.limit === 1 ? `${path} must not be empty` : `${path} must be at least ${String(params.limit)} characters long` }];
    case 'minItems':
      return [{ pointer: at, rule: 'schema/min-items', message: `${path} must have at least ${plural(Number(params.limit), 'entry', 'entries')}` }];
    case 'maxItems':
      return [{ pointer: at, rule: 'schema/max-items', message: `${path} must have at most ${plural(Number(params.limit), 'entry', 'entries')}` }];
    case 'minimum':
    case 'maximum':
      return [{ pointer: at, rule: ruleId(error.keyword), message: `${path} must be ${error.keyword === 'minimum' ? 'at least' : 'at most'} ${String(params.limit)}` }];
    case 'pattern':
      return [{ pointer: at, rule: 'schema/pattern', message: `${path} must match ${String(params.pattern)}; got ${JSON.stringify(value)}` }];
    default:
      return [{ pointer: at, rule: ruleId(error.keyword), message: `${path} ${error.message ?? 'is not valid'}` }];
  }
}

function unknownField(error: ErrorObject, field: string): Finding {
  const at = error.instancePath;
  const pointer = `${at}/${escapeToken(field)}`;
  const path = describePointer(pointer);
  const rule = 'schema/additional-property';
  if (at === '' && field === 'status') {
    return { pointer, rule, message: 'status is written by KKP and does not belong in Git', hint: 'Remove the status block.' };
  }
  if (at === '/metadata' && SERVER_METADATA.has(field)) {
    return { pointer, rule, message: `${path} is written by the API server or KKP and does not belong in Git`, hint: `Remove ${field}.` };
  }
  if (CLOUD_PROVIDER_BLOCK.test(at) && CREDENTIAL_FIELDS.has(field)) {
    return {
      pointer,
      rule,
      message: `${path}: credentials must not be written in Git`,
      hint: 'Keep them in a Secret and refer to it with credentialsReference: {name, namespace}.',
    };
  }
  const allowed = Object.keys(((error.parentSchema as { properties?: object } | undefined)?.properties ?? {}) as object);
  if (at === '/metadata' && field === 'namespace') {
    return { pointer, rule, message: `${path} is not allowed: this kind is cluster-scoped`, hint: 'Remove the namespace.' };
  }
  const suggestion = closestName(field, allowed);
  const owner = at === '' ? 'the document' : describePointer(at);
  return {
    pointer,
    rule,
    message: `${path} is not a known field of ${owner}`,
    hint: suggestion ? `Did you mean ${suggestion}?` : allowed.length ? `Known fields: ${allowed.join(', ')}.` : `${owner} takes no fields.`,
  };
}

/** `schema/<ajv keyword>`, kebab-case (`maxLength` → `schema/max-length`). */
function ruleId(keyword: string): string {
  return `schema/${keyword.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function article(type: string): string {
  return type
    .split(',')
    .map((t) => (t === 'object' || t === 'array' || t === 'integer' ? `an ${t === 'object' ? 'object (a mapping)' : t === 'array' ? 'array (a list)' : t}` : `a ${t}`))
    .join(' or ');
}

function typeOf(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `a string (${JSON.stringify(value)})`;
  return `${typeof value === 'number' ? 'a number' : 'a boolean'} (${String(value)})`;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

