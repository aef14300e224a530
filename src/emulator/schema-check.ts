/**
 * A custom resource against its CRD's structural openAPIV3Schema, in the apiserver's order: decoding prunes
 * unknown fields (reported for `fieldValidation`) and applies defaults; after admission the object is pruned
 * and defaulted again (webhooks may add anything) and validated.
 */
import type { FieldError } from './api-status.js';
import type { KubeObject } from './kube-object.js';
import { applyDefaults } from './structural/apply-defaults.js';
import { pruneUnknownFields } from './structural/prune-unknown-fields.js';
import type { SchemaNode } from './structural/schema-node.js';
import { validateValue } from './structural/validate-value.js';

export interface DecodedResource {
  /** Pruned and defaulted. */
  readonly value: KubeObject;
  /** Paths like `spec.foo` of fields the schema does not declare (and does not preserve). */
  readonly unknownFields: readonly string[];
}

export function decodeAgainstSchema(object: KubeObject, schema: SchemaNode): DecodedResource {
  const pruned = pruneUnknownFields(object, schema);
  return { value: applyDefaults(pruned.value as Record<string, unknown>, schema) as KubeObject, unknownFields: pruned.unknownFields };
}

export interface CheckedResource {
  readonly value: KubeObject;
  readonly errors: readonly FieldError[];
}

/** What the apiserver does before storing: prune, default, validate (with the old object for transition rules). */
export function checkAgainstSchema(object: KubeObject, schema: SchemaNode, old?: KubeObject): CheckedResource {
  const { value } = decodeAgainstSchema(object, schema);
  return { value, errors: validateValue(value, schema, old) };
}
