import { builderChild, freeze, newBuilder, sortedElements, type FieldSet, type FieldSetBuilder } from './field-set.js';
import { isJsonObject, type JsonObject } from './k-object.js';
import { canonicalPathElement } from './path-element.js';

/** A `fieldsV1` value that is not a valid FieldsV1 trie. */
export class FieldsV1FormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldsV1FormatError';
  }
}

/**
 * The FieldsV1 JSON of a set, exactly as Kubernetes writes it: keys in structured-merge-diff order,
 * `".":{}` first on a node that is itself in the set and has children, `{}` on leaves.
 */
export function encodeFieldsV1(set: FieldSet): JsonObject {
  return encodeNode(set, false);
}

function encodeNode(set: FieldSet, includeSelf: boolean): JsonObject {
  const out: JsonObject = {};
  if (includeSelf && set.children.size > 0) out['.'] = {};
  for (const element of sortedElements(set)) {
    const child = set.children.get(element) as FieldSet;
    out[element] = encodeNode(child, child.member);
  }
  return out;
}

/**
 * The set a FieldsV1 value describes. Throws FieldsV1FormatError on anything that is not a FieldsV1 trie
 * (non-object nodes, unknown element prefixes, malformed keys).
 */
export function decodeFieldsV1(fieldsV1: unknown): FieldSet {
  if (!isJsonObject(fieldsV1)) throw new FieldsV1FormatError('fieldsV1 must be a JSON object');
  const root = newBuilder();
  decodeInto(root, fieldsV1, true);
  return freeze(root);
}

function decodeInto(node: FieldSetBuilder, json: Record<string, unknown>, isRoot: boolean): void {
  const keys = Object.keys(json);
  if (keys.length === 0 && !isRoot) {
    node.member = true;
    return;
  }
  for (const key of keys) {
    const value = json[key];
    if (!isJsonObject(value)) throw new FieldsV1FormatError(`fieldsV1 entry ${JSON.stringify(key)} must be an object`);
    if (key === '.') {
      if (Object.keys(value).length > 0) throw new FieldsV1FormatError('fieldsV1 "." must map to {}');
      if (!isRoot) node.member = true;
      continue;
    }
    const element = canonicalPathElement(key);
    if (element === undefined) throw new FieldsV1FormatError(`fieldsV1 has an invalid path element ${JSON.stringify(key)}`);
    decodeInto(builderChild(node, element), value, false);
  }
}
