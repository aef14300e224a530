/**
 * Custom resources against their CRD's structural schema, as the apiserver treats them: pruning, defaulting,
 * validation, CEL rules, fieldValidation and dryRun. A small hand-made CRD covers each rule; KKP's released CRDs
 * (read from ../shared/kkp when present) show the same on the real schemas.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ApiError } from '../../src/emulator/api-status.js';
import { refusal } from '../support/refusal.js';
import type { KubeObject } from '../../src/emulator/kube-object.js';
import { CRDS, NAMESPACES, type ResourceType } from '../../src/emulator/resource-type.js';
import { ssaFieldManagement } from '../../src/emulator/ssa-field-management.js';
import { VirtualCluster } from '../../src/emulator/virtual-cluster.js';

const WIDGET_SCHEMA = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['size'],
      properties: {
        size: { type: 'integer', minimum: 1, maximum: 10 },
        mode: { type: 'string', enum: ['fast', 'slow'], default: 'fast' },
        name: { type: 'string', minLength: 2, maxLength: 5, pattern: '^[a-z]+$' },
        note: { type: 'string', nullable: true },
        token: { type: 'string', format: 'byte' },
        since: { type: 'string', format: 'date-time' },
        ports: { type: 'array', minItems: 1, maxItems: 2, items: { type: 'integer' } },
        network: {
          type: 'object',
          default: {},
          properties: { proxy: { type: 'string', default: 'ipvs' }, mtu: { type: 'integer', default: 1500 } },
        },
        limits: {
          type: 'object',
          properties: { items: { type: 'object', additionalProperties: { type: 'string' } } },
          'x-kubernetes-validations': [{ rule: 'self.items.size() > 0', message: 'limits must not be empty' }],
        },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'integer' } } },
      },
    },
  },
};

const widgetCrd = (schema: Record<string, unknown> = WIDGET_SCHEMA): KubeObject => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Cluster',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } }],
  },
});

const widget = (name: string, spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name, ...metadata },
  spec,
});


describe('custom resources against a structural schema', () => {
  let api: VirtualCluster;
  let widgets: ResourceType;

  beforeEach(() => {
    api = new VirtualCluster({ name: 'test', fieldManagement: ssaFieldManagement });
    api.create(CRDS, undefined, widgetCrd(), { fieldManager: 'test' });
    widgets = api.typeOf('example.com/v1', 'Widget')!;
  });

  it('applies defaults to absent fields, inside defaulted objects too, and leaves given values alone', () => {
    const created = api.create(widgets, undefined, widget('d', { size: 1 })).object;
    expect(created['spec']).toEqual({ size: 1, mode: 'fast', network: { proxy: 'ipvs', mtu: 1500 } });
    const given = api.create(widgets, undefined, widget('g', { size: 1, mode: 'slow', network: { mtu: 9000 } })).object;
    expect(given['spec']).toEqual({ size: 1, mode: 'slow', network: { proxy: 'ipvs', mtu: 9000 } });
  });

  it('drops nulls in non-nullable fields (defaulting them where a default exists) and keeps them where nullable', () => {
    const created = api.create(widgets, undefined, widget('n', { size: 1, mode: null, name: null, note: null })).object;
    expect(created['spec']).toEqual({ size: 1, mode: 'fast', note: null, network: { proxy: 'ipvs', mtu: 1500 } });
  });

  it('prunes unknown fields, unknown metadata fields too, and keeps them under x-kubernetes-preserve-unknown-fields', () => {
    const result = api.create(widgets, undefined, widget('p', { size: 1, colour: 'red', free: { known: 1, anything: { deep: true } } }, { bogus: 1 }), { fieldValidation: 'Warn' });
    expect(result.warnings).toEqual(['unknown field "metadata.bogus"', 'unknown field "spec.colour"']);
    expect(result.object.metadata).not.toHaveProperty('bogus');
    expect(result.object['spec']).toMatchObject({ size: 1, free: { known: 1, anything: { deep: true } } });
    expect(result.object['spec']).not.toHaveProperty('colour');
    const ignored = api.create(widgets, undefined, widget('q', { size: 1, colour: 'red' }), { fieldValidation: 'Ignore' });
    expect(ignored.warnings).toEqual([]);
    expect(ignored.object['spec']).not.toHaveProperty('colour');
  });

  it('refuses unknown fields under fieldValidation=Strict, worded as the apiserver for updates and for apply', () => {
    const strict = refusal(() => api.create(widgets, undefined, widget('s', { size: 1, colour: 'red' }), { fieldValidation: 'Strict' }));
    expect(strict.status).toMatchObject({ code: 400, message: 'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.colour"' });
    const applied = refusal(() => api.apply(widgets, undefined, 's', widget('s', { size: 1, colour: 'red' }), { fieldManager: 'm' }));
    expect(applied.status).toMatchObject({ code: 400, message: 'failed to create typed patch object (example.com/v1, Kind=Widget): .spec.colour: field not declared in schema' });
  });

  it('validates bounds, lengths, patterns, enums, formats, item counts and required fields with one cause each', () => {
    const error = refusal(() =>
      api.create(widgets, undefined, widget('v', { size: 11, mode: 'medium', name: 'ABCDEF', token: 'not base64!', since: 'yesterday', ports: [1, 2, 3] })),
    );
    expect(error.status.code).toBe(422);
    expect(error.status.reason).toBe('Invalid');
    expect(error.status.details?.causes).toEqual([
      { reason: 'FieldValueInvalid', field: 'spec.size', message: 'Invalid value: 11: spec.size in body should be less than or equal to 10' },
      { reason: 'FieldValueNotSupported', field: 'spec.mode', message: 'Unsupported value: "medium": supported values: "fast", "slow"' },
      { reason: 'FieldValueTooLong', field: 'spec.name', message: 'Too long: may not be more than 5 bytes' },
      { reason: 'FieldValueInvalid', field: 'spec.name', message: `Invalid value: "ABCDEF": spec.name in body should match '^[a-z]+$'` },
      { reason: 'FieldValueInvalid', field: 'spec.token', message: 'Invalid value: "not base64!": spec.token in body must be of type byte: "not base64!"' },
      { reason: 'FieldValueInvalid', field: 'spec.since', message: 'Invalid value: "yesterday": spec.since in body must be of type date-time: "yesterday"' },
      { reason: 'FieldValueTooMany', field: 'spec.ports', message: 'Too many: 3: must have at most 2 items' },
    ]);
    const required = refusal(() => api.create(widgets, undefined, widget('r', { ports: [] })));
    expect(required.status.details?.causes).toEqual([
      { reason: 'FieldValueRequired', field: 'spec.size', message: 'Required value' },
      { reason: 'FieldValueInvalid', field: 'spec.ports', message: 'Invalid value: 0: spec.ports in body should have at least 1 items' },
    ]);
    const typed = refusal(() => api.create(widgets, undefined, widget('t', { size: 'big' })));
    expect(typed.status.message).toBe('Widget.example.com "t" is invalid: spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"');
  });

  it('evaluates x-kubernetes-validations (CEL) with self bound to the field', () => {
    const error = refusal(() => api.create(widgets, undefined, widget('c', { size: 1, limits: { items: {} } })));
    expect(error.status.message).toBe('Widget.example.com "c" is invalid: spec.limits: Invalid value: "object": limits must not be empty');
    expect(api.create(widgets, undefined, widget('c', { size: 1, limits: { items: { cpu: '1' } } })).object['spec']).toMatchObject({ limits: { items: { cpu: '1' } } });
  });

  it('dry-runs create, update, patch, apply and delete: the answer is computed, nothing is stored', () => {
    const before = api.store.resourceVersion;
    const dry = api.create(widgets, undefined, widget('x', { size: 2 }), { dryRun: true });
    expect(dry.object['spec']).toMatchObject({ size: 2, mode: 'fast' });
    expect(api.find(widgets, undefined, 'x')).toBeUndefined();
    expect(() => api.create(widgets, undefined, widget('x', { size: 20 }), { dryRun: true })).toThrow(ApiError);
    const stored = api.create(widgets, undefined, widget('x', { size: 2 })).object;
    const rv = api.store.resourceVersion;
    expect(rv).toBe(before + 1);
    api.update(widgets, undefined, 'x', { ...stored, spec: { size: 3 } }, { dryRun: true });
    api.patch(widgets, undefined, 'x', 'merge', { spec: { size: 4 } }, { dryRun: true });
    const applied = api.apply(widgets, undefined, 'x', widget('x', { size: 5 }), { fieldManager: 'm', dryRun: true, force: true });
    expect(applied.object['spec']).toMatchObject({ size: 5, mode: 'fast' });
    expect(api.delete(widgets, undefined, 'x', { dryRun: true }).deleted).toBe(true);
    expect(api.store.resourceVersion).toBe(rv);
    expect(api.find(widgets, undefined, 'x')?.['spec']).toEqual(stored['spec']);
  });

  it('shows a default added to the CRD later on objects stored before, as a read from storage does', () => {
    api.create(widgets, undefined, widget('old', { size: 1 }));
    const crd = api.find(CRDS, undefined, 'widgets.example.com')!;
    const spec = WIDGET_SCHEMA.properties.spec;
    const withColour = { ...WIDGET_SCHEMA, properties: { spec: { ...spec, properties: { ...spec.properties, colour: { type: 'string', default: 'blue' } } } } };
    api.update(CRDS, undefined, 'widgets.example.com', { ...widgetCrd(withColour), metadata: crd.metadata });
    const stored = api.get(api.typeOf('example.com/v1', 'Widget')!, undefined, 'old');
    expect(stored.object['spec']).toMatchObject({ size: 1, colour: 'blue' });
  });
});

const KKP = '/work/shared/kkp/releases/v2.31.0/crds';
const crdFile = (name: string): KubeObject => parse(readFileSync(join(KKP, name), 'utf8')) as KubeObject;

describe.skipIf(!existsSync(KKP))("KKP v2.31's released CRDs served with apiserver semantics", () => {
  let api: VirtualCluster;

  beforeEach(() => {
    api = new VirtualCluster({ name: 'kkp', fieldManagement: ssaFieldManagement });
    api.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubermatic' } });
    for (const file of ['kubermatic.k8c.io_clusters.yaml', 'kubermatic.k8c.io_resourcequotas.yaml']) api.create(CRDS, undefined, crdFile(file), { fieldManager: 'test' });
  });

  const cluster = (cloud: Record<string, unknown>): KubeObject => ({
    apiVersion: 'kubermatic.k8c.io/v1',
    kind: 'Cluster',
    metadata: { name: 'shop-prod-eu' },
    spec: {
      humanReadableName: 'shop',
      exposeStrategy: 'NodePort',
      version: '1.33.5',
      cloud,
      clusterNetwork: { pods: { cidrBlocks: ['172.25.0.0/16'] }, services: { cidrBlocks: ['10.240.16.0/20'] }, dnsDomain: 'cluster.local', proxyMode: 'ipvs' },
      componentsOverride: { apiserver: {}, controllerManager: {}, etcd: {}, scheduler: {} },
    },
  });

  it("prunes a Cluster's invented field name (aws.vpcId) with a warning, refuses it under Strict, and defaults as KKP's CRD says", () => {
    const clusters = api.typeOf('kubermatic.k8c.io/v1', 'Cluster')!;
    const aws = { dc: 'aws-eu', providerName: 'aws', aws: { vpcId: 'vpc-1', instanceProfileName: 'x', securityGroupID: 'sg', routeTableID: 'rt', roleARN: 'arn', vpcID: 'vpc-2' } };
    const strict = refusal(() => api.create(clusters, undefined, cluster(aws), { fieldValidation: 'Strict', dryRun: true }));
    expect(strict.status.message).toContain('unknown field "spec.cloud.aws.vpcId"');
    const warned = api.create(clusters, undefined, cluster(aws), { fieldValidation: 'Warn' });
    expect(warned.warnings).toEqual(['unknown field "spec.cloud.aws.vpcId"']);
    const spec = warned.object['spec'] as Record<string, Record<string, unknown>>;
    expect(spec['cloud']?.['aws']).toMatchObject({ vpcID: 'vpc-2', roleARN: 'arn' });
    expect(spec['cloud']?.['aws']).not.toHaveProperty('vpcId');
    expect(spec['clusterNetwork']).toMatchObject({ proxyMode: 'ipvs', konnectivityEnabled: true, nodeLocalDNSCacheEnabled: true });
  });

  it("refuses a ResourceQuota whose accelerator quota has no resources (KKP's x-kubernetes-validations rule)", () => {
    const quotas = api.typeOf('kubermatic.k8c.io/v1', 'ResourceQuota')!;
    const quota = (resources: Record<string, unknown>): KubeObject => ({
      apiVersion: 'kubermatic.k8c.io/v1',
      kind: 'ResourceQuota',
      metadata: { name: 'project-abc' },
      spec: { subject: { kind: 'project', name: 'abc' }, quota: { cpu: '10', accelerators: [{ provider: 'kubevirt', resources }] } },
    });
    const error = refusal(() => api.create(quotas, undefined, quota({})));
    expect(error.status.details?.causes).toEqual([{ reason: 'FieldValueInvalid', field: 'spec.quota.accelerators[0]', message: 'Invalid value: "object": accelerator quota resources must not be empty' }]);
    expect(api.create(quotas, undefined, quota({ 'nvidia.com/gpu': 2 })).created).toBe(true);
  });
});
