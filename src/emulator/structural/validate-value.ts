/**
 * The apiserver's structural validation of a custom resource (after pruning and defaulting): type, nullable,
 * enum, pattern, min/maxLength, minimum/maximum (exclusive too), multipleOf, min/maxItems, min/maxProperties,
 * required, the string formats the apiserver checks (byte, date-time, date, int-or-string), and
 * `x-kubernetes-validations` (CEL). Errors are field errors worded as the apiserver words them.
 */
import type { FieldError } from '../api-status.js';
import { isPlainObject } from '../kube-object.js';
import { evaluateRules, rulesOf } from './cel-rules.js';
import { additionalOf, isNullable, itemsOf, joinPath, propertiesOf, type SchemaNode } from './schema-node.js';

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'object') return 'object';
  return typeof value;
}

function typeMatches(expected: string, value: unknown): boolean {
  const actual = typeName(value);
  if (expected === 'number') return actual === 'number' || actual === 'integer';
  return expected === actual;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Formats the apiserver validates (kube-openapi's registry); others, like int32, are not checked on strings. */
function formatValid(format: string, value: string): boolean | undefined {
  switch (format) {
    case 'byte':
      return BASE64.test(value);
    case 'date-time':
    case 'datetime':
      return DATE_TIME.test(value) && !Number.isNaN(Date.parse(value.replace(' ', 'T')));
    case 'date':
      return DATE.test(value) && !Number.isNaN(Date.parse(value));
    default:
      return undefined;
  }
}

const patterns = new Map<string, RegExp | null>();
function patternOf(source: string): RegExp | null {
  let re = patterns.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(source, 'u');
    } catch {
      try {
        re = new RegExp(source);
      } catch {
        re = null;
      }
    }
    patterns.set(source, re);
  }
  return re;
}

const num = (schema: SchemaNode, key: string): number | undefined => (typeof schema[key] === 'number' ? (schema[key] as number) : undefined);

class Validator {
  readonly errors: FieldError[] = [];

  walk(value: unknown, schema: SchemaNode | undefined, path: string, old: unknown): void {
    if (!schema) return;
    if (value === null && isNullable(schema)) return;
    if (schema['x-kubernetes-int-or-string'] === true) {
      if (typeof value !== 'string' && !(typeof value === 'number' && Number.isInteger(value))) {
        this.errors.push({ field: path, type: 'Invalid', value: typeName(value), detail: `${path} in body must be of type integer,string: ${JSON.stringify(typeName(value))}` });
        return;
      }
    } else {
      const type = typeof schema['type'] === 'string' ? (schema['type'] as string) : undefined;
      if (type && !typeMatches(type, value)) {
        this.errors.push({ field: path, type: 'Invalid', value: typeName(value), detail: `${path} in body must be of type ${type}: ${JSON.stringify(typeName(value))}` });
        return;
      }
    }
    const enumValues = schema['enum'];
    if (Array.isArray(enumValues) && !enumValues.some((e) => e === value)) {
      this.errors.push({ field: path, type: 'NotSupported', value, supported: enumValues });
    }
    if (typeof value === 'string') this.string(value, schema, path);
    else if (typeof value === 'number') this.number(value, schema, path);
    else if (Array.isArray(value)) this.array(value, schema, path, Array.isArray(old) ? old : undefined);
    else if (isPlainObject(value)) this.object(value, schema, path, isPlainObject(old) ? old : undefined);
    const rules = rulesOf(schema);
    if (rules.length > 0) {
      for (const failure of evaluateRules(rules, value, old, path)) {
        this.errors.push({ field: failure.field, type: 'Invalid', value: typeName(value), detail: failure.detail });
      }
    }
  }

  private string(value: string, schema: SchemaNode, path: string): void {
    const max = num(schema, 'maxLength');
    const min = num(schema, 'minLength');
    const length = [...value].length;
    if (max !== undefined && length > max) this.errors.push({ field: path, type: 'TooLong', detail: `may not be more than ${max} bytes` });
    if (min !== undefined && length < min) this.errors.push({ field: path, type: 'Invalid', value, detail: `${path} in body should be at least ${min} chars long` });
    if (typeof schema['pattern'] === 'string') {
      const re = patternOf(schema['pattern']);
      if (re && !re.test(value)) this.errors.push({ field: path, type: 'Invalid', value, detail: `${path} in body should match '${schema['pattern']}'` });
    }
    if (typeof schema['format'] === 'string' && formatValid(schema['format'], value) === false) {
      this.errors.push({ field: path, type: 'Invalid', value, detail: `${path} in body must be of type ${schema['format']}: ${JSON.stringify(value)}` });
    }
  }

  private number(value: number, schema: SchemaNode, path: string): void {
    const min = num(schema, 'minimum');
    const max = num(schema, 'maximum');
    const exclusiveMin = schema['exclusiveMinimum'] === true;
    const exclusiveMax = schema['exclusiveMaximum'] === true;
    if (min !== undefined && (exclusiveMin ? value <= min : value < min)) {
      this.errors.push({ field: path, type: 'Invalid', value, detail: `${path} in body should be greater than ${exclusiveMin ? '' : 'or equal to '}${min}` });
    }
    if (max !== undefined && (exclusiveMax ? value >= max : value > max)) {
      this.errors.push({ field: path, type: 'Invalid', value, detail: `${path} in body should be less than ${exclusiveMax ? '' : 'or equal to '}${max}` });
    }
    const multipleOf = num(schema, 'multipleOf');
    if (multipleOf !== undefined && multipleOf > 0 && !Number.isInteger(value / multipleOf)) {
      this.errors.push({ field: path, type: 'Invalid', value, detail: `${path} in body should be a multiple of ${multipleOf}` });
    }
  }

  private array(value: unknown[], schema: SchemaNode, path: string, old: unknown[] | undefined): void {
    const min = num(schema, 'minItems');
    const max = num(schema, 'maxItems');
    if (min !== undefined && value.length < min) this.errors.push({ field: path, type: 'Invalid', value: value.length, detail: `${path} in body should have at least ${min} items` });
    if (max !== undefined && value.length > max) this.errors.push({ field: path, type: 'TooMany', value: value.length, detail: `must have at most ${max} items` });
    if (schema['uniqueItems'] === true) {
      const seen = new Set<string>();
      value.forEach((item, i) => {
        const key = JSON.stringify(item);
        if (seen.has(key)) this.errors.push({ field: `${path}[${i}]`, type: 'Duplicate', value: item });
        seen.add(key);
      });
    }
    const items = itemsOf(schema);
    if (!items) return;
    // Old values of list items are correlated only for atomic lists' whole value; per item by index is not safe.
    value.forEach((item, i) => this.walk(item, items, `${path}[${i}]`, undefined));
    void old;
  }

  private object(value: Record<string, unknown>, schema: SchemaNode, path: string, old: Record<string, unknown> | undefined): void {
    const properties = propertiesOf(schema);
    const additional = additionalOf(schema);
    const count = Object.keys(value).length;
    const minProperties = num(schema, 'minProperties');
    const maxProperties = num(schema, 'maxProperties');
    if (minProperties !== undefined && count < minProperties) this.errors.push({ field: path, type: 'Invalid', value: count, detail: `${path} in body should have at least ${minProperties} properties` });
    if (maxProperties !== undefined && count > maxProperties) this.errors.push({ field: path, type: 'TooMany', value: count, detail: `must have at most ${maxProperties} items` });
    const required = Array.isArray(schema['required']) ? (schema['required'] as unknown[]) : [];
    for (const key of required) {
      if (typeof key === 'string' && value[key] === undefined) this.errors.push({ field: joinPath(path, key), type: 'Required' });
    }
    for (const [key, child] of Object.entries(value)) {
      if (path === '' && (key === 'apiVersion' || key === 'kind' || key === 'metadata')) continue;
      const property = properties?.[key];
      const childSchema = property ?? additional;
      if (childSchema) this.walk(child, childSchema, joinPath(path, key), old?.[key]);
    }
  }
}

/** Validates a custom resource (pruned and defaulted) against its schema; `old` enables transition rules. */
export function validateValue(object: Record<string, unknown>, schema: SchemaNode, old?: Record<string, unknown>): FieldError[] {
  const validator = new Validator();
  validator.walk(object, schema, '', old);
  return validator.errors;
}
