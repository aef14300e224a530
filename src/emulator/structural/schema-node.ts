/** One node of a CRD's structural openAPIV3Schema, read defensively (the schema comes from a stored CRD). */
import { isPlainObject } from '../kube-object.js';

export type SchemaNode = Readonly<Record<string, unknown>>;

export function propertiesOf(schema: SchemaNode): Readonly<Record<string, SchemaNode>> | undefined {
  return isPlainObject(schema['properties']) ? (schema['properties'] as Record<string, SchemaNode>) : undefined;
}

export function itemsOf(schema: SchemaNode): SchemaNode | undefined {
  return isPlainObject(schema['items']) ? (schema['items'] as SchemaNode) : undefined;
}

/** `additionalProperties` as a schema; `true` counts as an empty schema, `false`/absent as none. */
export function additionalOf(schema: SchemaNode): SchemaNode | undefined {
  const additional = schema['additionalProperties'];
  if (isPlainObject(additional)) return additional as SchemaNode;
  return additional === true ? {} : undefined;
}

export function preservesUnknown(schema: SchemaNode): boolean {
  return schema['x-kubernetes-preserve-unknown-fields'] === true;
}

export function isEmbeddedResource(schema: SchemaNode): boolean {
  return schema['x-kubernetes-embedded-resource'] === true;
}

export function isNullable(schema: SchemaNode | undefined): boolean {
  return schema?.['nullable'] === true;
}

export function hasDefault(schema: SchemaNode | undefined): boolean {
  return schema !== undefined && Object.prototype.hasOwnProperty.call(schema, 'default');
}

export function joinPath(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** The fields of ObjectMeta: what the apiserver keeps of a custom resource's (or an embedded resource's) metadata. */
export const OBJECT_META_FIELDS: ReadonlySet<string> = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);
