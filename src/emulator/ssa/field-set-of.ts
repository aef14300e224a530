import { builderChild, freeze, newBuilder, type FieldSet, type FieldSetBuilder } from './field-set.js';
import { isJsonObject } from './k-object.js';
import { fieldElement, keyElement, valueElement, type PathElement } from './path-element.js';
import { deducedSchema, mapFieldSchema, resolveSchema, type ListSchema, type TypeSchema } from './type-schema.js';

/**
 * The fields a value sets, as structured-merge-diff's ToFieldSet computes them: leaves, atomic lists and
 * atomic maps are members; granular maps are owned through their children (an empty map or a null is a
 * leaf); map keys that are not named struct fields and every list item are members themselves too.
 */
export function fieldSetOf(value: unknown, schema: TypeSchema): FieldSet {
  const root = newBuilder();
  collect(root, value, schema);
  return freeze(root);
}

function collect(node: FieldSetBuilder, value: unknown, schema: TypeSchema): void {
  const resolved = resolveSchema(schema, value);
  if (resolved.type === 'scalar') {
    node.member = true;
    return;
  }
  if (resolved.type === 'map') {
    if (resolved.atomic || !isJsonObject(value)) {
      node.member = true;
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      if (child === undefined) continue;
      const field = mapFieldSchema(resolved, key);
      const childNode = builderChild(node, fieldElement(key));
      collect(childNode, child, field.schema);
      if (child === null || (isJsonObject(child) && Object.keys(child).length === 0) || !field.named) childNode.member = true;
    }
    return;
  }
  if (resolved.listType === 'atomic' || !Array.isArray(value)) {
    node.member = true;
    return;
  }
  const itemSchema = resolved.items ?? deducedSchema;
  for (const item of value) {
    const element = listItemElement(resolved, item);
    if (element === undefined) continue;
    const itemNode = builderChild(node, element);
    itemNode.member = true;
    if (resolved.listType === 'map') collect(itemNode, item, itemSchema);
  }
}

/** The element naming one item of a `set` or `map` list; undefined when the item lacks its keys. */
export function listItemElement(schema: ListSchema, item: unknown): PathElement | undefined {
  if (schema.listType === 'set') return valueElement(item);
  if (schema.listType !== 'map' || !isJsonObject(item)) return undefined;
  const keyFields: Record<string, unknown> = {};
  for (const key of schema.keys ?? []) {
    if (item[key] === undefined || item[key] === null) return undefined;
    keyFields[key] = item[key];
  }
  return keyElement(keyFields);
}
