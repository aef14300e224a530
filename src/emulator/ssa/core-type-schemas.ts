import { objectSchema, scalarSchema, type MapSchema, type TypeSchema } from './type-schema.js';

const stringMap: TypeSchema = { type: 'map', additional: scalarSchema };
const atomic: TypeSchema = { type: 'list', listType: 'atomic' };

function struct(fields: Record<string, TypeSchema>): MapSchema {
  return { type: 'map', fields };
}

/** Schemas of the core kinds the emulator serves, typed as kube-apiserver types them (field by field). */
export const coreTypeSchemas: Readonly<Record<'Namespace' | 'Secret' | 'ConfigMap' | 'Lease', MapSchema>> = {
  Namespace: objectSchema({
    spec: struct({ finalizers: atomic }),
    status: struct({
      phase: scalarSchema,
      conditions: {
        type: 'list',
        listType: 'map',
        keys: ['type'],
        items: struct({
          type: scalarSchema,
          status: scalarSchema,
          lastTransitionTime: scalarSchema,
          reason: scalarSchema,
          message: scalarSchema,
        }),
      },
    }),
  }),
  Secret: objectSchema({ data: stringMap, stringData: stringMap, type: scalarSchema, immutable: scalarSchema }),
  ConfigMap: objectSchema({ data: stringMap, binaryData: stringMap, immutable: scalarSchema }),
  Lease: objectSchema({
    spec: struct({
      holderIdentity: scalarSchema,
      leaseDurationSeconds: scalarSchema,
      acquireTime: scalarSchema,
      renewTime: scalarSchema,
      leaseTransitions: scalarSchema,
      strategy: scalarSchema,
      preferredHolder: scalarSchema,
    }),
  }),
};
