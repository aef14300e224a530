/**
 * The apiserver's pruning of custom resources: fields the structural schema does not declare are dropped (and
 * reported, for `fieldValidation`), except under `x-kubernetes-preserve-unknown-fields`. apiVersion, kind and
 * metadata of the resource and of every `x-kubernetes-embedded-resource` are the apiserver's own: metadata is
 * cut down to ObjectMeta's fields. Values whose type does not match the schema are left for validation.
 */
import { isPlainObject } from '../kube-object.js';
import {
  additionalOf,
  isEmbeddedResource,
  itemsOf,
  joinPath,
  OBJECT_META_FIELDS,
  preservesUnknown,
  propertiesOf,
  type SchemaNode,
} from './schema-node.js';

export interface Pruned {
  readonly value: unknown;
  /** Paths like `spec.foo` or `spec.list[0].bar`, in document order. */
  readonly unknownFields: readonly string[];
}

function pruneMetadata(metadata: unknown, path: string, unknown: string[]): unknown {
  if (!isPlainObject(metadata)) return metadata;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (OBJECT_META_FIELDS.has(key)) out[key] = value;
    else unknown.push(joinPath(path, key));
  }
  return out;
}

function prune(value: unknown, schema: SchemaNode | undefined, path: string, unknown: string[], resourceRoot: boolean): unknown {
  if (schema === undefined) return value;
  if (Array.isArray(value)) {
    const items = itemsOf(schema);
    return items ? value.map((item, i) => prune(item, items, `${path}[${i}]`, unknown, isEmbeddedResource(items))) : value;
  }
  if (!isPlainObject(value)) return value;
  const properties = propertiesOf(schema);
  const additional = additionalOf(schema);
  const preserve = preservesUnknown(schema);
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const childPath = joinPath(path, key);
    if (resourceRoot && (key === 'apiVersion' || key === 'kind')) {
      out[key] = child;
      continue;
    }
    if (resourceRoot && key === 'metadata') {
      out[key] = pruneMetadata(child, childPath, unknown);
      continue;
    }
    const property = properties?.[key];
    if (property) out[key] = prune(child, property, childPath, unknown, isEmbeddedResource(property));
    else if (additional) out[key] = prune(child, additional, childPath, unknown, isEmbeddedResource(additional));
    else if (preserve) out[key] = child;
    else unknown.push(childPath);
  }
  return out;
}

/** Prunes a whole custom resource (its root is a resource root: apiVersion, kind, metadata). */
export function pruneUnknownFields(object: Record<string, unknown>, schema: SchemaNode): Pruned {
  const unknownFields: string[] = [];
  const value = prune(object, schema, '', unknownFields, true);
  return { value, unknownFields };
}
