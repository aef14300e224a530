import type { FieldSet } from './field-set.js';
import { cloneJson, isJsonObject } from './k-object.js';
import { listItemElement } from './field-set-of.js';
import { deducedSchema, mapFieldSchema, resolveSchema, type TypeSchema } from './type-schema.js';

/**
 * A copy of `value` without the paths of `set` (each member path removed with everything below it:
 * a map key deleted, a list item dropped). Paths that do not exist are ignored.
 */
export function removeFieldSet(value: unknown, set: FieldSet, schema: TypeSchema): unknown {
  if (set.children.size === 0) return cloneJson(value);
  const resolved = resolveSchema(schema, value);
  if (resolved.type === 'map' && isJsonObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      const child = set.children.get(`f:${key}`);
      if (child === undefined) out[key] = cloneJson(member);
      else if (!child.member) out[key] = removeFieldSet(member, child, mapFieldSchema(resolved, key).schema);
    }
    return out;
  }
  if (resolved.type === 'list' && resolved.listType !== 'atomic' && Array.isArray(value)) {
    const itemSchema = resolved.listType === 'map' ? (resolved.items ?? deducedSchema) : { type: 'scalar' as const };
    const out: unknown[] = [];
    for (const item of value) {
      const element = listItemElement(resolved, item);
      const child = element === undefined ? undefined : set.children.get(element);
      if (child === undefined) out.push(cloneJson(item));
      else if (!child.member) out.push(removeFieldSet(item, child, itemSchema));
    }
    return out;
  }
  return cloneJson(value);
}
