import { isJsonObject } from './k-object.js';
import { deducedSchema, objectSchema, scalarSchema, type MapSchema, type TypeSchema } from './type-schema.js';

/**
 * The TypeSchema of a custom resource from its CRD's structural `openAPIV3Schema`, read the way
 * kube-apiserver reads it for server-side apply:
 * - objects with `properties` are granular maps of those fields; `additionalProperties` types other keys;
 *   `x-kubernetes-map-type: atomic` makes a map one leaf;
 * - `x-kubernetes-preserve-unknown-fields: true` lets unknown keys in, deduced (granular maps, atomic lists);
 * - arrays are atomic unless `x-kubernetes-list-type` is `map` (with `x-kubernetes-list-map-keys`) or `set`;
 * - `x-kubernetes-int-or-string` and every other type are scalars;
 * - `apiVersion`, `kind` and `metadata` at the top are typed as the apiserver does, whatever the schema says.
 */
export function typeSchemaFromOpenAPI(openAPIV3Schema: unknown): MapSchema {
  const root = isJsonObject(openAPIV3Schema) ? convert(openAPIV3Schema) : deducedSchema;
  const fields = root.type === 'map' && root.fields !== undefined ? { ...root.fields } : {};
  delete fields['apiVersion'];
  delete fields['kind'];
  delete fields['metadata'];
  const top = objectSchema(fields);
  if (root.type === 'map' && root.additional !== undefined) return { ...top, additional: root.additional };
  return top;
}

function convert(node: Record<string, unknown>): TypeSchema {
  const preserveUnknown = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (node['x-kubernetes-int-or-string'] === true) return scalarSchema;
  const type = node['type'];
  if (type === 'array') return convertArray(node);
  if (type === 'object' || (type === undefined && (isJsonObject(node['properties']) || isJsonObject(node['additionalProperties'])))) {
    return convertObject(node, preserveUnknown);
  }
  if (type === undefined) return deducedSchema;
  return scalarSchema;
}

function convertObject(node: Record<string, unknown>, preserveUnknown: boolean): MapSchema {
  const properties = isJsonObject(node['properties']) ? node['properties'] : undefined;
  const additionalProperties = node['additionalProperties'];
  const atomic = node['x-kubernetes-map-type'] === 'atomic';
  const fields: Record<string, TypeSchema> = {};
  if (properties !== undefined) {
    for (const [name, property] of Object.entries(properties)) {
      fields[name] = isJsonObject(property) ? convert(property) : deducedSchema;
    }
  }
  if (node['x-kubernetes-embedded-resource'] === true) {
    fields['apiVersion'] ??= scalarSchema;
    fields['kind'] ??= scalarSchema;
  }
  const additional: TypeSchema | undefined = isJsonObject(additionalProperties)
    ? convert(additionalProperties)
    : additionalProperties === true || preserveUnknown
      ? deducedSchema
      : undefined;
  return {
    type: 'map',
    ...(properties !== undefined ? { fields } : Object.keys(fields).length > 0 ? { fields } : {}),
    ...(additional !== undefined ? { additional } : {}),
    ...(atomic ? { atomic: true } : {}),
  };
}

function convertArray(node: Record<string, unknown>): TypeSchema {
  const listType = node['x-kubernetes-list-type'];
  const items = isJsonObject(node['items']) ? convert(node['items']) : deducedSchema;
  if (listType === 'map') {
    const keys = Array.isArray(node['x-kubernetes-list-map-keys'])
      ? node['x-kubernetes-list-map-keys'].filter((key): key is string => typeof key === 'string')
      : [];
    if (keys.length > 0) return { type: 'list', listType: 'map', keys, items };
  }
  if (listType === 'set') return { type: 'list', listType: 'set', items };
  return { type: 'list', listType: 'atomic', items };
}
