import { describe, expect, it } from 'vitest';
import {
  applyServerSide,
  coreTypeSchemas,
  recordUpdate,
  typeSchemaFromOpenAPI,
  type KObject,
} from '../../../src/emulator/ssa/index.js';

// FieldsV1 as `kubectl get -o json --show-managed-fields` prints it for the Kubernetes documentation's examples.

describe('FieldsV1 as kubectl shows it for real objects', () => {
  it('matches the server-side apply documentation example for a ConfigMap applied by kubectl', () => {
    const configMap: KObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'test-cm', namespace: 'default', labels: { 'test-label': 'test' } },
      data: { key: 'some value' },
    };
    const result = applyServerSide(undefined, configMap, {
      manager: 'kubectl',
      force: false,
      apiVersion: 'v1',
      now: '2010-10-10T00:00:00Z',
      schema: coreTypeSchemas.ConfigMap,
      statusSubresource: false,
    });
    if (!result.ok) throw new Error('unexpected conflict');
    expect(JSON.stringify(result.object.metadata?.managedFields)).toBe(
      '[{"manager":"kubectl","operation":"Apply","apiVersion":"v1","time":"2010-10-10T00:00:00Z","fieldsType":"FieldsV1",' +
        '"fieldsV1":{"f:data":{"f:key":{}},"f:metadata":{"f:labels":{"f:test-label":{}}}}}]',
    );
  });

  it('matches a ConfigMap created by client-side kubectl apply', () => {
    const configMap: KObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'test-cm',
        namespace: 'default',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
      },
      data: { key: 'some value' },
    };
    const created = recordUpdate(undefined, configMap, {
      manager: 'kubectl-client-side-apply',
      apiVersion: 'v1',
      now: '2024-01-01T00:00:00Z',
      schema: coreTypeSchemas.ConfigMap,
      statusSubresource: false,
    });
    expect(JSON.stringify(created.metadata?.managedFields?.[0]?.fieldsV1)).toBe(
      '{"f:data":{".":{},"f:key":{}},"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}}}}',
    );
  });

  it('matches a workload applied with associative lists keyed by name and by port and protocol', () => {
    const container = {
      type: 'object',
      properties: {
        name: { type: 'string' },
        image: { type: 'string' },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
          items: { type: 'object', properties: { containerPort: { type: 'integer' }, protocol: { type: 'string' } } },
        },
      },
    };
    const schema = typeSchemaFromOpenAPI({
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            replicas: { type: 'integer' },
            containers: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: container },
          },
        },
      },
    });
    const result = applyServerSide(
      undefined,
      {
        apiVersion: 'example.com/v1',
        kind: 'Workload',
        metadata: { name: 'nginx' },
        spec: { replicas: 3, containers: [{ name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80, protocol: 'TCP' }] }] },
      },
      { manager: 'kubectl', force: false, apiVersion: 'example.com/v1', now: '2024-01-01T00:00:00Z', schema },
    );
    if (!result.ok) throw new Error('unexpected conflict');
    expect(JSON.stringify(result.object.metadata?.managedFields?.[0]?.fieldsV1)).toBe(
      '{"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:name":{},' +
        '"f:ports":{"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{},"f:protocol":{}}}}},"f:replicas":{}}}',
    );
  });

  it('matches a controller taking replicas by an update, as in the documentation on transferring ownership', () => {
    const schema = typeSchemaFromOpenAPI({ type: 'object', properties: { spec: { type: 'object', properties: { replicas: { type: 'integer' } } } } });
    const applied = applyServerSide(
      undefined,
      { apiVersion: 'example.com/v1', kind: 'Workload', metadata: { name: 'nginx' }, spec: { replicas: 3 } },
      { manager: 'kubectl', force: false, apiVersion: 'example.com/v1', now: '2024-01-01T00:00:00Z', schema },
    );
    if (!applied.ok) throw new Error('unexpected conflict');
    const scaled = recordUpdate(applied.object, { ...applied.object, spec: { replicas: 5 } }, {
      manager: 'kube-controller-manager',
      apiVersion: 'example.com/v1',
      now: '2024-01-01T00:05:00Z',
      schema,
    });
    expect(scaled.metadata?.managedFields).toEqual([
      {
        manager: 'kube-controller-manager',
        operation: 'Update',
        apiVersion: 'example.com/v1',
        time: '2024-01-01T00:05:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:replicas': {} } },
      },
    ]);
  });
});

describe('typeSchemaFromOpenAPI', () => {
  it('reads list types, map types and unknown-field preservation from a structural schema', () => {
    const schema = typeSchemaFromOpenAPI({
      type: 'object',
      properties: {
        metadata: { type: 'object', properties: { name: { type: 'string' } } },
        spec: {
          type: 'object',
          properties: {
            plain: { type: 'array', items: { type: 'string' } },
            set: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
            keyed: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['id'], items: { type: 'object' } },
            atomicMap: { type: 'object', 'x-kubernetes-map-type': 'atomic' },
            free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            port: { 'x-kubernetes-int-or-string': true },
          },
        },
      },
    });
    expect(schema.fields?.['metadata']).toMatchObject({ fields: { labels: { type: 'map' }, finalizers: { listType: 'set' } } });
    const spec = schema.fields?.['spec'];
    expect(spec).toMatchObject({
      type: 'map',
      fields: {
        plain: { type: 'list', listType: 'atomic' },
        set: { type: 'list', listType: 'set' },
        keyed: { type: 'list', listType: 'map', keys: ['id'] },
        atomicMap: { type: 'map', atomic: true },
        free: { type: 'map', additional: { type: 'deduced' } },
        port: { type: 'scalar' },
      },
    });
  });
});
