/**
 * Safe reading of parsed YAML (plain data of unknown shape). Rules run on documents that may have failed their
 * schema, so every read checks the type it expects and answers `undefined` otherwise, never throwing.
 */
import { isJsonObject } from '../json-value.js';

export type PlainObject = Readonly<Record<string, unknown>>;

/** A JSON object, typed read-only. */
export const isPlainObject: (value: unknown) => value is PlainObject = isJsonObject;

/** The value at a path of keys, or undefined when any step is missing or not an object. */
export function valueAt(root: unknown, ...path: readonly string[]): unknown {
  return walk(root, path);
}

export function objectAt(root: unknown, ...path: readonly string[]): PlainObject | undefined {
  const value = walk(root, path);
  return isPlainObject(value) ? value : undefined;
}

/** A string value; numbers and booleans are not converted (the schema reports wrong types). */
export function stringAt(root: unknown, ...path: readonly string[]): string | undefined {
  const value = walk(root, path);
  return typeof value === 'string' ? value : undefined;
}

export function numberAt(root: unknown, ...path: readonly string[]): number | undefined {
  const value = walk(root, path);
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function arrayAt(root: unknown, ...path: readonly string[]): readonly unknown[] | undefined {
  const value = walk(root, path);
  return Array.isArray(value) ? value : undefined;
}

/** The strings of an array value, with their indexes (non-strings skipped); empty when the value is not an array. */
export function stringsAt(root: unknown, ...path: readonly string[]): { value: string; index: number }[] {
  const items = walk(root, path);
  const out: { value: string; index: number }[] = [];
  if (!Array.isArray(items)) return out;
  items.forEach((value: unknown, index) => {
    if (typeof value === 'string') out.push({ value, index });
  });
  return out;
}

/** The one walker behind the readers above (hot: rules call it for every field of every document). */
function walk(root: unknown, path: readonly string[]): unknown {
  let current: unknown = root;
  for (let i = 0; i < path.length; i++) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    const key = path[i] as string;
    const next: unknown = (current as Record<string, unknown>)[key];
    // Plain data holds no functions: a function (or __proto__) comes from the prototype unless it is own.
    if ((typeof next === 'function' || key === '__proto__') && !Object.hasOwn(current, key)) return undefined;
    current = next;
  }
  return current;
}
