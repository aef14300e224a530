/**
 * Checks a custom resource against its CRD's openAPIV3Schema the way the apiserver does for the parts clients
 * notice: types, required fields, enums, simple bounds; unknown fields are reported and pruned unless
 * `x-kubernetes-preserve-unknown-fields` keeps them; nulls in non-nullable fields are dropped.
 */
import type { FieldError } from './api-status.js';
import { isPlainObject } from './kube-object.js';

type Schema = Record<string, unknown>;

export interface SchemaCheck {
  readonly errors: FieldError[];
  /** Paths like `spec.foo` of fields the schema does not declare (and does not preserve). */
  readonly unknownFields: string[];
  /** The value with unknown fields and non-nullable nulls removed. */
  readonly value: unknown;
}

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

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

class Checker {
  readonly errors: FieldError[] = [];
  readonly unknownFields: string[] = [];

  walk(value: unknown, schema: Schema | undefined, path: string): unknown {
    if (!schema) return value;
    if (schema['x-kubernetes-int-or-string'] === true) {
      if (typeof value !== 'string' && !(typeof value === 'number' && Number.isInteger(value))) {
        this.errors.push({ field: path, type: 'Invalid', value: typeName(value), detail: `${path} in body must be of type integer,string: ${JSON.stringify(typeName(value))}` });
      }
      return value;
    }
    const type = typeof schema['type'] === 'string' ? (schema['type'] as string) : undefined;
    if (type && !typeMatches(type, value)) {
      this.errors.push({ field: path, type: 'Invalid', value: typeName(value), detail: `${path} in body must be of type ${type}: ${JSON.stringify(typeName(value))}` });
      return value;
    }
    const enumValues = schema['enum'];
    if (Array.isArray(enumValues) && !enumValues.some((e) => e === value)) {
      this.errors.push({ field: path, type: 'NotSupported', value, supported: enumValues });
    }
    if (typeof value === 'string') this.checkString(value, schema, path);
    if (typeof value === 'number') this.checkNumber(value, schema, path);
    if (Array.isArray(value)) return this.checkArray(value, schema, path);
    if (isPlainObject(value)) return this.checkObject(value, schema, path);
    return value;
  }

  private checkString(value: string, schema: Schema, path: string): void {
    if (typeof schema['maxLength'] === 'number' && value.length > schema['maxLength']) {
      this.errors.push({ field: path, type: 'TooLong', detail: `may not be more than ${schema['maxLength']} bytes` });
    }
    if (typeof schema['minLength'] === 'number' && value.length < schema['minLength']) {
      this.errors.push({ field: path, type: 'Invalid', value, detail: `${path} in body should be at least ${schema['minLength']} chars long` });
    }
    if (typeof schema['pattern'] === 'string' && !new RegExp(schema['pattern']).test(value)) {
      this.errors.push({ field: path, type: 'Invalid', value, detail: `${path} in body should match '${schema['pattern']}'` });
    }
  }

  private checkNumber(value: number, schema: Schema, path: string): void {
    if (typeof schema['minimum'] === 'number' && value < schema['minimum']) {
      this.errors.push({ field: path, type: 'Invalid', value, detail: `${path} in body should be greater than or equal to ${schema['minimum']}` });
    }
    if (typeof schema['maximum'] === 'number' && value > schema['maximum']) {
      this.errors.push({ field: path, type: 'Invalid', value, detail: `${path} in body should be less than or equal to ${schema['maximum']}` });
    }
  }

  private checkArray(value: unknown[], schema: Schema, path: string): unknown[] {
    const items = isPlainObject(schema['items']) ? (schema['items'] as Schema) : undefined;
    if (!items) return value;
    return value.map((item, i) => this.walk(item, items, `${path}[${i}]`));
  }

  private checkObject(value: Record<string, unknown>, schema: Schema, path: string, root = false): Record<string, unknown> {
    const properties = isPlainObject(schema['properties']) ? (schema['properties'] as Record<string, Schema>) : undefined;
    const additional = schema['additionalProperties'];
    const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
    const embedded = schema['x-kubernetes-embedded-resource'] === true;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const childPath = join(path, key);
      const propertySchema = properties?.[key];
      // The apiserver handles apiVersion, kind and metadata itself: schemas never prune them.
      if ((root || embedded) && (key === 'apiVersion' || key === 'kind' || key === 'metadata')) {
        out[key] = child;
        continue;
      }
      if (child === null && !(propertySchema?.['nullable'] === true)) {
        if (propertySchema || preserve || additional) continue;
      }
      if (propertySchema) out[key] = this.walk(child, propertySchema, childPath);
      else if (isPlainObject(additional)) out[key] = this.walk(child, additional as Schema, childPath);
      else if (additional === true || preserve || (!properties && additional === undefined && !schema['type'])) out[key] = child;
      else if (!properties && additional === undefined && schema['type'] === 'object') {
        // An object without properties and without preserve: the apiserver prunes everything in it.
        this.unknownFields.push(childPath);
      } else this.unknownFields.push(childPath);
    }
    // Defaulting (before validation, as the apiserver does): a missing field with a default gets it.
    for (const [key, propertySchema] of Object.entries(properties ?? {})) {
      if (out[key] === undefined && propertySchema['default'] !== undefined) out[key] = structuredClone(propertySchema['default']);
    }
    const required = Array.isArray(schema['required']) ? (schema['required'] as string[]) : [];
    for (const key of required) if (out[key] === undefined || out[key] === null) this.errors.push({ field: join(path, key), type: 'Required' });
    return out;
  }

  root(value: Record<string, unknown>, schema: Schema): unknown {
    return this.checkObject(value, schema, '', true);
  }
}

export function checkAgainstSchema(object: Record<string, unknown>, schema: Record<string, unknown>): SchemaCheck {
  const checker = new Checker();
  const value = checker.root(object, schema);
  return { errors: checker.errors, unknownFields: checker.unknownFields, value };
}
