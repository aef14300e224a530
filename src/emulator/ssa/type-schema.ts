import { isJsonObject } from './k-object.js';

/**
 * How server-side apply treats each path of an object (structured-merge-diff's schema, reduced to what
 * matters for ownership and merging).
 *
 * - `scalar`: a leaf.
 * - `map`: granular by default: each field is merged and owned on its own. Fields named in `fields` are
 *   struct fields (owned through their leaves); any other key takes `additional` (default: `deduced`) and is
 *   itself owned too, as structured-merge-diff does for map elements. `atomic: true` makes the whole map one leaf.
 * - `list`: `atomic` (one leaf, replaced whole: the default for custom resources), `set` (scalar items, each
 *   owned as `v:<value>`), or `map` (items keyed by `keys`, owned as `k:{...}` and merged by key).
 * - `deduced`: decided by the value: objects are granular maps of deduced values, arrays atomic lists,
 *   anything else a scalar (what `x-kubernetes-preserve-unknown-fields` subtrees get).
 */
export type TypeSchema = ScalarSchema | MapSchema | ListSchema | DeducedSchema;

export interface ScalarSchema {
  readonly type: 'scalar';
}

export interface MapSchema {
  readonly type: 'map';
  readonly fields?: Readonly<Record<string, TypeSchema>>;
  readonly additional?: TypeSchema;
  readonly atomic?: boolean;
}

export interface ListSchema {
  readonly type: 'list';
  readonly listType: 'atomic' | 'set' | 'map';
  /** Key fields of a `map` list. */
  readonly keys?: readonly string[];
  /** Item schema (for `map` lists; defaults to `deduced`). */
  readonly items?: TypeSchema;
}

export interface DeducedSchema {
  readonly type: 'deduced';
}

export const scalarSchema: ScalarSchema = { type: 'scalar' };
export const deducedSchema: DeducedSchema = { type: 'deduced' };
const deducedMap: MapSchema = { type: 'map', additional: deducedSchema };
const atomicList: ListSchema = { type: 'list', listType: 'atomic' };

/** A concrete schema for a value: `deduced` resolved by the value's shape. */
export function resolveSchema(schema: TypeSchema, value: unknown): ScalarSchema | MapSchema | ListSchema {
  if (schema.type !== 'deduced') return schema;
  if (isJsonObject(value)) return deducedMap;
  if (Array.isArray(value)) return atomicList;
  return scalarSchema;
}

/** The schema of one key of a map, and whether the key is a named struct field (not owned by itself). */
export function mapFieldSchema(schema: MapSchema, key: string): { schema: TypeSchema; named: boolean } {
  const named = schema.fields !== undefined && Object.hasOwn(schema.fields, key);
  if (named) return { schema: (schema.fields as Record<string, TypeSchema>)[key] as TypeSchema, named };
  return { schema: schema.additional ?? deducedSchema, named: false };
}

/** `metadata` as the apiserver types it: labels and annotations granular, finalizers a set, ownerReferences keyed by uid. */
export const objectMetaSchema: MapSchema = {
  type: 'map',
  fields: {
    name: scalarSchema,
    generateName: scalarSchema,
    namespace: scalarSchema,
    selfLink: scalarSchema,
    uid: scalarSchema,
    resourceVersion: scalarSchema,
    generation: scalarSchema,
    creationTimestamp: scalarSchema,
    deletionTimestamp: scalarSchema,
    deletionGracePeriodSeconds: scalarSchema,
    labels: { type: 'map', additional: scalarSchema },
    annotations: { type: 'map', additional: scalarSchema },
    finalizers: { type: 'list', listType: 'set' },
    ownerReferences: {
      type: 'list',
      listType: 'map',
      keys: ['uid'],
      items: {
        type: 'map',
        fields: {
          apiVersion: scalarSchema,
          kind: scalarSchema,
          name: scalarSchema,
          uid: scalarSchema,
          controller: scalarSchema,
          blockOwnerDeletion: scalarSchema,
        },
      },
    },
    managedFields: atomicList,
  },
};

/**
 * The schema of a whole object: `apiVersion`, `kind`, `metadata` typed as the apiserver does, plus the
 * given top-level fields (for example `spec` and `status`). Other top-level keys are deduced.
 */
export function objectSchema(fields: Readonly<Record<string, TypeSchema>>): MapSchema {
  return {
    type: 'map',
    fields: { apiVersion: scalarSchema, kind: scalarSchema, metadata: objectMetaSchema, ...fields },
  };
}

/** Any object with granular maps and atomic lists everywhere (`spec`, `status`, `data` as struct fields). */
export const granularObjectSchema: MapSchema = objectSchema({ spec: deducedSchema, status: deducedSchema });
