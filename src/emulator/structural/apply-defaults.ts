/**
 * The apiserver's structural defaulting, as it runs when a custom resource is decoded (request bodies, and
 * objects read from storage): nulls in non-nullable fields without a default are dropped; absent fields, and
 * nulls in non-nullable fields, get the schema's default; defaulting then continues inside the value, so
 * defaults nested in a defaulted object apply too. Returns a new value; the input is not changed.
 */
import { isPlainObject } from '../kube-object.js';
import { additionalOf, hasDefault, isNullable, itemsOf, propertiesOf, type SchemaNode } from './schema-node.js';

function copy(value: unknown): unknown {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
}

function defaultValue(value: unknown, schema: SchemaNode | undefined): unknown {
  if (schema === undefined) return value;
  if (Array.isArray(value)) {
    const items = itemsOf(schema);
    if (!items) return value;
    return value.map((item) => (item === null && !isNullable(items) && hasDefault(items) ? defaultValue(copy(items['default']), items) : defaultValue(item, items)));
  }
  if (!isPlainObject(value)) return value;
  const properties = propertiesOf(schema);
  const additional = additionalOf(schema);
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const property = properties?.[key];
    if (property) {
      if (child === null && !isNullable(property)) {
        if (hasDefault(property)) out[key] = defaultValue(copy(property['default']), property);
        continue;
      }
      out[key] = defaultValue(child, property);
    } else if (additional) out[key] = defaultValue(child, additional);
    else out[key] = child;
  }
  if (properties) {
    for (const [key, property] of Object.entries(properties)) {
      if (out[key] === undefined && !(key in value) && hasDefault(property)) out[key] = defaultValue(copy(property['default']), property);
    }
  }
  return out;
}

/** Defaults a whole custom resource; metadata, apiVersion and kind are not the schema's to default. */
export function applyDefaults(object: Record<string, unknown>, schema: SchemaNode): Record<string, unknown> {
  const { apiVersion, kind, metadata, ...rest } = object;
  const defaulted = defaultValue(rest, schema) as Record<string, unknown>;
  delete defaulted['apiVersion'];
  delete defaulted['kind'];
  delete defaulted['metadata'];
  return {
    ...(apiVersion !== undefined ? { apiVersion } : {}),
    ...(kind !== undefined ? { kind } : {}),
    ...(metadata !== undefined ? { metadata } : {}),
    ...defaulted,
  };
}
