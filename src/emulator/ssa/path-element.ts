/**
 * Path elements as structured-merge-diff spells them in FieldsV1:
 * `f:<field>` (a map field), `k:{"key":"value"}` (an item of an associative list, keys sorted by name),
 * `v:<json>` (an item of a set), `i:<index>` (an item of a list addressed by position).
 * The encoded string is the element's identity: two elements are equal when their strings are equal.
 */
export type PathElement = string;

/** `f:<name>`. */
export function fieldElement(name: string): PathElement {
  return `f:${name}`;
}

/** `k:{...}` for an associative-list item with these key fields (sorted by name, as Kubernetes does). */
export function keyElement(keyFields: Readonly<Record<string, unknown>>): PathElement {
  const names = Object.keys(keyFields).sort(compareStrings);
  const body = names.map((name) => `${goJson(name)}:${goJson(keyFields[name] ?? null)}`).join(',');
  return `k:{${body}}`;
}

/** `v:<json>` for an item of a set. */
export function valueElement(value: unknown): PathElement {
  return `v:${goJson(value)}`;
}

/** `i:<index>`. */
export function indexElement(index: number): PathElement {
  return `i:${index}`;
}

/** The decoded form of an element, for ordering and for messages. */
export type ParsedPathElement =
  | { type: 'field'; name: string }
  | { type: 'key'; fields: [string, unknown][] }
  | { type: 'value'; value: unknown }
  | { type: 'index'; index: number };

/** Parses an encoded element; undefined when it is not one of the four forms. */
export function parsePathElement(element: string): ParsedPathElement | undefined {
  const prefix = element.slice(0, 2);
  const rest = element.slice(2);
  try {
    switch (prefix) {
      case 'f:':
        return { type: 'field', name: rest };
      case 'k:': {
        const fields: unknown = JSON.parse(rest);
        if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return undefined;
        const entries = Object.entries(fields as Record<string, unknown>).sort(([a], [b]) => compareStrings(a, b));
        return { type: 'key', fields: entries };
      }
      case 'v:':
        return { type: 'value', value: JSON.parse(rest) as unknown };
      case 'i:': {
        if (!/^\d+$/.test(rest)) return undefined;
        return { type: 'index', index: Number(rest) };
      }
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

/** Re-encodes an element in canonical form (sorted key fields, Go's JSON escaping); undefined when invalid. */
export function canonicalPathElement(element: string): PathElement | undefined {
  const parsed = parsePathElement(element);
  if (parsed === undefined) return undefined;
  switch (parsed.type) {
    case 'field':
      return element;
    case 'key':
      return keyElement(Object.fromEntries(parsed.fields));
    case 'value':
      return valueElement(parsed.value);
    case 'index':
      return indexElement(parsed.index);
  }
}

/** One element as the apiserver prints it in conflict messages: `.name`, `[name="x",port=80]`, `[="v"]`, `[0]`. */
export function formatPathElement(element: PathElement): string {
  const parsed = parsePathElement(element);
  if (parsed === undefined) return '{{invalid path element}}';
  switch (parsed.type) {
    case 'field':
      return `.${parsed.name}`;
    case 'key':
      return `[${parsed.fields.map(([name, value]) => `${name}=${goValueString(value)}`).join(',')}]`;
    case 'value':
      return `[=${goValueString(parsed.value)}]`;
    case 'index':
      return `[${parsed.index}]`;
  }
}

/** A whole path as the apiserver prints it: `.spec.containers[name="app"].image`. */
export function formatPath(path: readonly PathElement[]): string {
  return path.map(formatPathElement).join('');
}

const typeRank: Record<ParsedPathElement['type'], number> = { field: 0, key: 1, value: 2, index: 3 };

/** structured-merge-diff's order of elements: fields by name, then keys, then values, then indexes. */
export function comparePathElements(a: PathElement, b: PathElement): number {
  if (a === b) return 0;
  if (a.startsWith('f:') && b.startsWith('f:')) return compareStrings(a, b);
  const left = parsePathElement(a);
  const right = parsePathElement(b);
  if (left === undefined || right === undefined) return compareStrings(a, b);
  if (left.type !== right.type) return typeRank[left.type] - typeRank[right.type];
  if (left.type === 'key' && right.type === 'key') return compareKeyFields(left.fields, right.fields);
  if (left.type === 'value' && right.type === 'value') return compareValues(left.value, right.value);
  if (left.type === 'index' && right.type === 'index') return left.index - right.index;
  return compareStrings(a, b);
}

function compareKeyFields(a: [string, unknown][], b: [string, unknown][]): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const [leftName, leftValue] = a[i] as [string, unknown];
    const [rightName, rightValue] = b[i] as [string, unknown];
    const byName = compareStrings(leftName, rightName);
    if (byName !== 0) return byName;
    const byValue = compareValues(leftValue, rightValue);
    if (byValue !== 0) return byValue;
  }
  return a.length - b.length;
}

/** Total order of values as structured-merge-diff's value.Compare: numbers, strings, booleans, lists, maps, null. */
function compareValues(a: unknown, b: unknown): number {
  const rank = (value: unknown): number =>
    typeof value === 'number' ? 0 : typeof value === 'string' ? 1 : typeof value === 'boolean' ? 2 : Array.isArray(value) ? 3 : value === null ? 5 : 4;
  const byRank = rank(a) - rank(b);
  if (byRank !== 0) return byRank;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return compareStrings(goJson(a), goJson(b));
}

/** Plain code-unit order, like Go's strings.Compare for the ASCII names Kubernetes uses. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** JSON as Go's encoding/json writes it: object keys sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped. */
export function goJson(value: unknown): string {
  return JSON.stringify(sortKeys(value) ?? null).replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort(compareStrings)) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}

/** Go's `%q`-style rendering used by structured-merge-diff's value.ToString. */
function goValueString(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(goValueString).join(',')}]`;
  return Object.entries(value as Record<string, unknown>)
    .map(([key, member]) => `${key}=${goValueString(member)}`)
    .join('');
}
