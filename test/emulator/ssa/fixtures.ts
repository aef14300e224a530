import { typeSchemaFromOpenAPI, type KObject } from '../../../src/emulator/ssa/index.js';

/** A KKP-like Cluster CRD schema: granular spec, an atomic list, a map list, a set and a free-form map. */
export const clusterSchema = typeSchemaFromOpenAPI({
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      properties: {
        humanReadableName: { type: 'string' },
        version: { type: 'string' },
        cloud: {
          type: 'object',
          properties: { dc: { type: 'string' }, providerName: { type: 'string' } },
        },
        features: { type: 'object', additionalProperties: { type: 'boolean' } },
        admissionPlugins: { type: 'array', items: { type: 'string' } },
        tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
        machineNetworks: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: { type: 'object', properties: { name: { type: 'string' }, cidr: { type: 'string' }, gateway: { type: 'string' } } },
        },
        labelsAtomic: { type: 'object', additionalProperties: { type: 'string' }, 'x-kubernetes-map-type': 'atomic' },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
    status: {
      type: 'object',
      properties: { phase: { type: 'string' }, address: { type: 'object', properties: { url: { type: 'string' } } } },
    },
  },
});

export const T0 = '2024-05-01T10:00:00Z';
export const T1 = '2024-05-01T11:00:00Z';
export const T2 = '2024-05-01T12:00:00Z';

export function cluster(spec: Record<string, unknown>, extra: Record<string, unknown> = {}): KObject {
  return { apiVersion: 'kubermatic.k8c.io/v1', kind: 'Cluster', metadata: { name: 'prod-1' }, spec, ...extra };
}

export const apiVersion = 'kubermatic.k8c.io/v1';
