import { cloneJson, isJsonObject } from './k-object.js';
import { listItemElement } from './field-set-of.js';
import type { PathElement } from './path-element.js';
import { deducedSchema, mapFieldSchema, resolveSchema, type ListSchema, type TypeSchema } from './type-schema.js';

/**
 * Merges an applied configuration into a live value (structured-merge-diff's Merge): granular maps merge
 * key by key, associative lists merge item by item (live-only items keep their place, applied items keep
 * the applied order), atomic maps and lists and scalars are replaced by the applied value. A `null` in the
 * applied configuration removes the field, as kube-apiserver's pruning of nulls does for custom resources.
 * Inputs are not modified.
 */
export function mergeValues(live: unknown, applied: unknown, schema: TypeSchema): unknown {
  if (applied === undefined) return cloneJson(live);
  if (live === undefined || live === null) return withoutNulls(applied);
  const resolved = resolveSchema(schema, applied);
  if (resolved.type === 'map' && !resolved.atomic && isJsonObject(live) && isJsonObject(applied)) {
    if (Object.keys(applied).length === 0 && Object.keys(live).length === 0) return {};
    const out: Record<string, unknown> = cloneJson(live);
    for (const [key, value] of Object.entries(applied)) {
      if (value === undefined) continue;
      if (value === null) {
        delete out[key];
        continue;
      }
      out[key] = mergeValues(live[key], value, mapFieldSchema(resolved, key).schema);
    }
    return out;
  }
  if (resolved.type === 'list' && resolved.listType !== 'atomic' && Array.isArray(live) && Array.isArray(applied) && (applied.length > 0 || live.length > 0)) {
    return mergeLists(live, applied, resolved);
  }
  return withoutNulls(applied);
}

function mergeLists(live: unknown[], applied: unknown[], schema: ListSchema): unknown[] {
  const itemSchema = schema.listType === 'map' ? (schema.items ?? deducedSchema) : { type: 'scalar' as const };
  const key = (item: unknown): PathElement | undefined => listItemElement(schema, item);
  const appliedByKey = new Map<PathElement, unknown>();
  for (const item of applied) {
    const element = key(item);
    if (element !== undefined && !appliedByKey.has(element)) appliedByKey.set(element, item);
  }
  const liveByKey = new Map<PathElement, unknown>();
  for (const item of live) {
    const element = key(item);
    if (element !== undefined && !liveByKey.has(element)) liveByKey.set(element, item);
  }
  const out: unknown[] = [];
  const emitted = new Set<PathElement>();
  const appliedOrder = [...appliedByKey.keys()];
  let next = 0;
  const emitApplied = (): void => {
    const element = appliedOrder[next++] as PathElement;
    emitted.add(element);
    out.push(mergeValues(liveByKey.get(element), appliedByKey.get(element), itemSchema));
  };
  for (const item of live) {
    const element = key(item);
    if (element === undefined || !appliedByKey.has(element)) {
      out.push(cloneJson(item));
      continue;
    }
    while (!emitted.has(element) && next < appliedOrder.length) emitApplied();
  }
  while (next < appliedOrder.length) emitApplied();
  return out;
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => withoutNulls(item));
  if (!isJsonObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member !== null && member !== undefined) out[key] = withoutNulls(member);
  }
  return out;
}
