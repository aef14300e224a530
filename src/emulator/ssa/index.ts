/** Server-side apply and managedFields bookkeeping as kube-apiserver does them (pure; no clock, no I/O). */
export { applyServerSide, BEFORE_FIRST_APPLY_MANAGER, type ApplyOptions, type ApplyResult } from './apply-server-side.js';
export { recordUpdate, type RecordUpdateOptions } from './record-update.js';
export {
  conflictMessage,
  conflictStatusCauses,
  describeConflictManager,
  type FieldConflict,
  type FieldManagerConflictCause,
} from './field-conflict.js';
export { specChanged } from './spec-changed.js';
export {
  childSet,
  difference,
  emptyFieldSet,
  fieldSetFromPaths,
  fieldSetsEqual,
  hasPath,
  intersection,
  isEmpty,
  pathList,
  paths,
  recursiveDifference,
  union,
  withAncestors,
  type FieldSet,
} from './field-set.js';
export { fieldSetOf } from './field-set-of.js';
export { compareValues, type Comparison } from './compare-values.js';
export { mergeValues } from './merge-values.js';
export { removeFieldSet } from './remove-field-set.js';
export { decodeFieldsV1, encodeFieldsV1, FieldsV1FormatError } from './fields-v1.js';
export { decodeManagedFields, encodeManagedFields, managerIdentifier, type ManagerRecord } from './managed-fields.js';
export {
  fieldElement,
  formatPath,
  indexElement,
  keyElement,
  valueElement,
  type PathElement,
} from './path-element.js';
export {
  deducedSchema,
  granularObjectSchema,
  objectMetaSchema,
  objectSchema,
  scalarSchema,
  type DeducedSchema,
  type ListSchema,
  type MapSchema,
  type ScalarSchema,
  type TypeSchema,
} from './type-schema.js';
export { typeSchemaFromOpenAPI } from './type-schema-from-openapi.js';
export { coreTypeSchemas } from './core-type-schemas.js';
export type { JsonObject, JsonValue, KObject, KObjectMeta, ManagedFieldsEntry } from './k-object.js';
