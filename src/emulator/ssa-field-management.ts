/** The production `FieldManagement`: server-side apply and managedFields from the `./ssa/` module. */
import type { StatusCause } from './api-status.js';
import type { FieldManagement } from './field-management.js';
import type { KubeObject } from './kube-object.js';
import type { ResourceType } from './resource-type.js';
import {
  applyServerSide,
  conflictMessage,
  conflictStatusCauses,
  coreTypeSchemas,
  type FieldConflict,
  granularObjectSchema,
  type KObject,
  recordUpdate,
  type TypeSchema,
  typeSchemaFromOpenAPI,
} from './ssa/index.js';

const schemas = new WeakMap<ResourceType, TypeSchema>();

/** How SSA merges each path of a type: the CRD's schema, the core kinds' field-by-field schema, else granular. */
export function typeSchemaOf(type: ResourceType): TypeSchema {
  let schema = schemas.get(type);
  if (!schema) {
    if (type.schema) schema = typeSchemaFromOpenAPI(type.schema);
    else if (!type.custom && type.kind in coreTypeSchemas) schema = coreTypeSchemas[type.kind as keyof typeof coreTypeSchemas];
    else schema = granularObjectSchema;
    schemas.set(type, schema);
  }
  return schema;
}

export const ssaFieldManagement: FieldManagement = {
  apply(type, live, applied, options) {
    const result = applyServerSide(live as KObject | undefined, applied as KObject, { ...options, schema: typeSchemaOf(type), statusSubresource: type.hasStatus });
    return result.ok ? { ok: true, object: result.object as KubeObject, changed: result.changed } : { ok: false, conflicts: result.conflicts };
  },
  recordUpdate(type, before, after, options) {
    return recordUpdate(before as KObject | undefined, after as KObject, {
      manager: options.manager,
      apiVersion: options.apiVersion,
      now: options.now,
      schema: typeSchemaOf(type),
      statusSubresource: type.hasStatus,
      ...(options.subresource ? { subresource: options.subresource } : {}),
    }) as KubeObject;
  },
  conflictMessage(conflicts) {
    return conflictMessage(conflicts as FieldConflict[]);
  },
  conflictCauses(conflicts): StatusCause[] {
    return conflictStatusCauses(conflicts as FieldConflict[]).map((c) => ({ reason: c.type, message: c.message, field: c.field }));
  },
};
