import { builderChild, freeze, newBuilder, type FieldSet, type FieldSetBuilder } from './field-set.js';
import { isJsonObject, jsonEqual } from './k-object.js';
import { listItemElement } from './field-set-of.js';
import { fieldElement, type PathElement } from './path-element.js';
import { deducedSchema, mapFieldSchema, resolveSchema, type TypeSchema } from './type-schema.js';

/** What changed between two values, path by path (structured-merge-diff's Comparison). */
export interface Comparison {
  readonly added: FieldSet;
  readonly modified: FieldSet;
  readonly removed: FieldSet;
}

/**
 * Compares `before` with `after` under a schema: leaves and atomic values are added, removed or modified
 * as a whole; a granular map or list item that appears (disappears) is added (removed) itself along with
 * everything below it. `undefined` means absent.
 */
export function compareValues(before: unknown, after: unknown, schema: TypeSchema): Comparison {
  const out = { added: newBuilder(), modified: newBuilder(), removed: newBuilder() };
  walk({ parent: undefined, element: undefined, out }, before, after, schema, true);
  return { added: freeze(out.added), modified: freeze(out.modified), removed: freeze(out.removed) };
}

/** Where the walk stands in the three result sets; nodes are created only when something is inserted. */
interface Cursor {
  readonly parent: Cursor | undefined;
  readonly element: PathElement | undefined;
  readonly out: { added: FieldSetBuilder; modified: FieldSetBuilder; removed: FieldSetBuilder };
}

function descend(cursor: Cursor, element: PathElement): Cursor {
  return { parent: cursor, element, out: cursor.out };
}

function mark(cursor: Cursor, kind: 'added' | 'modified' | 'removed'): void {
  const path: PathElement[] = [];
  for (let at: Cursor | undefined = cursor; at?.element !== undefined; at = at.parent) path.push(at.element);
  let node = cursor.out[kind];
  for (let i = path.length - 1; i >= 0; i--) node = builderChild(node, path[i] as PathElement);
  node.member = true;
}

function walk(cursor: Cursor, before: unknown, after: unknown, schema: TypeSchema, isRoot: boolean): void {
  if (before === undefined && after === undefined) return;
  const resolved = resolveSchema(schema, after === undefined ? before : after);
  const shape = (value: unknown): 'map' | 'list' | 'other' =>
    isJsonObject(value) ? 'map' : Array.isArray(value) ? 'list' : 'other';
  const beforeShape = before === undefined ? undefined : shape(before);
  const afterShape = after === undefined ? undefined : shape(after);
  const expected = resolved.type === 'map' ? 'map' : resolved.type === 'list' ? 'list' : 'other';
  const sameShape = (beforeShape === undefined || beforeShape === expected) && (afterShape === undefined || afterShape === expected);
  const emptyOrAbsent = (value: unknown): boolean =>
    value === undefined || (isJsonObject(value) && Object.keys(value).length === 0) || (Array.isArray(value) && value.length === 0);
  const leaf =
    resolved.type === 'scalar' ||
    !sameShape ||
    (resolved.type === 'map' && (resolved.atomic === true || (emptyOrAbsent(before) && emptyOrAbsent(after)))) ||
    (resolved.type === 'list' && (resolved.listType === 'atomic' || (emptyOrAbsent(before) && emptyOrAbsent(after))));

  if (leaf) {
    if (isRoot) return;
    if (before === undefined) mark(cursor, 'added');
    else if (after === undefined) mark(cursor, 'removed');
    else if (!jsonEqual(before, after)) mark(cursor, 'modified');
    return;
  }

  if (resolved.type === 'map') {
    const left = (before ?? {}) as Record<string, unknown>;
    const right = (after ?? {}) as Record<string, unknown>;
    const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
    for (const key of keys) {
      const leftValue = left[key];
      const rightValue = right[key];
      if (leftValue === undefined && rightValue === undefined) continue;
      walk(descend(cursor, fieldElement(key)), leftValue, rightValue, mapFieldSchema(resolved, key).schema, false);
    }
  } else if (resolved.type === 'list') {
    const itemSchema = resolved.listType === 'map' ? (resolved.items ?? deducedSchema) : { type: 'scalar' as const };
    const index = (list: unknown): Map<PathElement, unknown> => {
      const items = new Map<PathElement, unknown>();
      for (const item of Array.isArray(list) ? list : []) {
        const element = listItemElement(resolved, item);
        if (element !== undefined && !items.has(element)) items.set(element, item);
      }
      return items;
    };
    const leftItems = index(before);
    const rightItems = index(after);
    for (const element of new Set([...leftItems.keys(), ...rightItems.keys()])) {
      walk(descend(cursor, element), leftItems.get(element), rightItems.get(element), itemSchema, false);
    }
  }
  if (isRoot) return;
  if (before === undefined) mark(cursor, 'added');
  else if (after === undefined) mark(cursor, 'removed');
}
