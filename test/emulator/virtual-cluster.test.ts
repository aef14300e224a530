/** The API semantics of one virtual cluster, called directly: what clients of the apiserver rely on. */
import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/emulator/api-status.js';
import { refusal } from '../support/refusal.js';
import type { KubeObject } from '../../src/emulator/kube-object.js';
import { parseLabelSelector } from '../../src/emulator/label-selector.js';
import { CONFIG_MAPS, CRDS, NAMESPACES, type ResourceType } from '../../src/emulator/resource-type.js';
import { ssaFieldManagement } from '../../src/emulator/ssa-field-management.js';
import { VirtualCluster } from '../../src/emulator/virtual-cluster.js';

const CRD: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gadgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', shortNames: ['gd'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['size'],
                properties: {
                  size: { type: 'integer' },
                  colour: { type: 'string', enum: ['red', 'blue'] },
                  extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                },
              },
              status: { type: 'object', properties: { phase: { type: 'string' } } },
            },
          },
        },
      },
    ],
  },
};

const gadget = (name: string, spec: Record<string, unknown>, extra: Partial<KubeObject> = {}): KubeObject => ({
  apiVersion: 'example.com/v1',
  kind: 'Gadget',
  metadata: { name, namespace: 'default', ...(extra.metadata ?? {}) },
  spec,
  ...(extra['status'] ? { status: extra['status'] } : {}),
});


describe('VirtualCluster', () => {
  let api: VirtualCluster;
  let gadgets: ResourceType;
  const now = new Date('2025-01-01T10:00:00Z');

  beforeEach(() => {
    api = new VirtualCluster({ name: 'test', fieldManagement: ssaFieldManagement, clock: () => now });
    api.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    api.create(CRDS, undefined, CRD, { fieldManager: 'test' });
    gadgets = api.typeOf('example.com/v1', 'Gadget')!;
  });

  it('serves the resources of a CRD once it is created, and marks the CRD established', () => {
    expect(gadgets).toMatchObject({ plural: 'gadgets', namespaced: true, hasStatus: true, shortNames: ['gd'] });
    const crd = api.find(CRDS, undefined, 'gadgets.example.com');
    expect((crd?.['status'] as { conditions: { type: string; status: string }[] }).conditions.map((c) => `${c.type}=${c.status}`)).toEqual(['NamesAccepted=True', 'Established=True']);
    api.delete(CRDS, undefined, 'gadgets.example.com');
    expect(api.typeOf('example.com/v1', 'Gadget')).toBeUndefined();
  });

  it('counts one resourceVersion across all resources and sets uid, creationTimestamp and generation on create', () => {
    const before = api.store.resourceVersion;
    const a = api.create(gadgets, 'default', gadget('a', { size: 1 }));
    const cm = api.create(CONFIG_MAPS, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: 'v' } });
    expect(Number(a.object.metadata.resourceVersion)).toBe(before + 1);
    expect(Number(cm.object.metadata.resourceVersion)).toBe(before + 2);
    expect(a.object.metadata).toMatchObject({ generation: 1, creationTimestamp: '2025-01-01T10:00:00Z' });
    expect(a.object.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(cm.object.metadata.generation).toBeUndefined();
    expect(a.created).toBe(true);
  });

  it('bumps generation only for changes outside metadata and status, and ignores no-op writes', () => {
    const created = api.create(gadgets, 'default', gadget('g', { size: 1 })).object;
    const labelled = api.patch(gadgets, 'default', 'g', 'merge', { metadata: { labels: { a: 'b' } } }).object;
    expect(labelled.metadata.generation).toBe(1);
    expect(labelled.metadata.resourceVersion).not.toBe(created.metadata.resourceVersion);
    const resized = api.patch(gadgets, 'default', 'g', 'merge', { spec: { size: 2 } }).object;
    expect(resized.metadata.generation).toBe(2);
    const events = api.hub.since(gadgets.storageKey, Number(resized.metadata.resourceVersion));
    const same = api.patch(gadgets, 'default', 'g', 'merge', { spec: { size: 2 } }).object;
    expect(same.metadata.resourceVersion).toBe(resized.metadata.resourceVersion);
    expect(api.hub.since(gadgets.storageKey, Number(resized.metadata.resourceVersion))).toEqual(events);
  });

  it('keeps status out of main-resource writes and everything but status out of /status writes', () => {
    const created = api.create(gadgets, 'default', gadget('s', { size: 1 }, { status: { phase: 'ignored' } })).object;
    expect(created['status']).toBeUndefined();
    const withStatus = api.update(gadgets, 'default', 's', { ...created, spec: { size: 9 }, status: { phase: 'Running' } }, { subresource: 'status' }).object;
    expect(withStatus['status']).toEqual({ phase: 'Running' });
    expect(withStatus['spec']).toEqual({ size: 1 });
    expect(withStatus.metadata.generation).toBe(1);
    const main = api.update(gadgets, 'default', 's', { ...withStatus, status: { phase: 'Overwritten' } }).object;
    expect(main['status']).toEqual({ phase: 'Running' });
  });

  it('requires the current resourceVersion to update a custom resource', () => {
    const created = api.create(gadgets, 'default', gadget('u', { size: 1 })).object;
    const { resourceVersion: _rv, ...withoutRv } = created.metadata;
    const missing = refusal(() => api.update(gadgets, 'default', 'u', { ...created, metadata: withoutRv }));
    expect(missing.status).toMatchObject({ code: 422, reason: 'Invalid' });
    api.patch(gadgets, 'default', 'u', 'merge', { spec: { size: 2 } });
    const stale = refusal(() => api.update(gadgets, 'default', 'u', { ...created, spec: { size: 3 } }));
    expect(stale.status).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on gadgets.example.com "u": the object has been modified; please apply your changes to the latest version and try again',
      details: { name: 'u', group: 'example.com', kind: 'gadgets' },
    });
  });

  it('answers NotFound for a namespaced object in a missing namespace', () => {
    const error = refusal(() => api.create(gadgets, 'nowhere', { ...gadget('n', { size: 1 }), metadata: { name: 'n' } }));
    expect(error.status).toMatchObject({ code: 404, reason: 'NotFound', message: 'namespaces "nowhere" not found', details: { name: 'nowhere', kind: 'namespaces' } });
  });

  it('validates custom resources against the CRD schema with field causes', () => {
    const error = refusal(() => api.create(gadgets, 'default', gadget('bad', { size: 'big', colour: 'green' })));
    expect(error.status.code).toBe(422);
    expect(error.status.message).toBe(
      'Gadget.example.com "bad" is invalid: [spec.size: Invalid value: "string": spec.size in body must be of type integer: "string", spec.colour: Unsupported value: "green": supported values: "red", "blue"]',
    );
    expect(error.status.details?.causes?.map((c) => `${c.reason} ${c.field}`)).toEqual(['FieldValueInvalid spec.size', 'FieldValueNotSupported spec.colour']);
    const required = refusal(() => api.create(gadgets, 'default', gadget('req', {})));
    expect(required.status.details?.causes).toEqual([{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.size' }]);
  });

  it('handles unknown fields by fieldValidation: Strict refuses, Warn reports and prunes, preserved fields stay', () => {
    const strict = refusal(() => api.create(gadgets, 'default', gadget('x', { size: 1, foo: 1 }), { fieldValidation: 'Strict' }));
    expect(strict.status).toMatchObject({ code: 400, reason: 'BadRequest', message: 'Gadget in version "v1" cannot be handled as a Gadget: strict decoding error: unknown field "spec.foo"' });
    const warned = api.create(gadgets, 'default', gadget('x', { size: 1, foo: 1, extra: { anything: true } }), { fieldValidation: 'Warn' });
    expect(warned.warnings).toEqual(['unknown field "spec.foo"']);
    expect(warned.object['spec']).toEqual({ size: 1, extra: { anything: true } });
  });

  it('keeps an object with finalizers until they are removed, and dry runs change nothing', () => {
    api.create(gadgets, 'default', gadget('f', { size: 1 }, { metadata: { name: 'f', finalizers: ['example.com/hold'] } }));
    const rv = api.store.resourceVersion;
    expect(api.delete(gadgets, 'default', 'f', { dryRun: true }).deleted).toBe(false);
    expect(api.store.resourceVersion).toBe(rv);
    const marked = api.delete(gadgets, 'default', 'f');
    expect(marked.deleted).toBe(false);
    expect(marked.object.metadata.deletionTimestamp).toBe('2025-01-01T10:00:00Z');
    api.patch(gadgets, 'default', 'f', 'json', [{ op: 'remove', path: '/metadata/finalizers' }]);
    expect(api.find(gadgets, 'default', 'f')).toBeUndefined();
    const events = api.hub.since(gadgets.storageKey, rv);
    expect(events === 'expired' ? events : events.map((e) => e.type)).toEqual(['MODIFIED', 'DELETED']);
  });

  it('dry-run writes are validated and computed but neither stored nor announced', () => {
    const rv = api.store.resourceVersion;
    const dry = api.apply(gadgets, 'default', 'd', gadget('d', { size: 5 }), { fieldManager: 'm', dryRun: true });
    expect(dry.object['spec']).toEqual({ size: 5 });
    expect(dry.object.metadata.managedFields?.[0]?.manager).toBe('m');
    expect(api.find(gadgets, 'default', 'd')).toBeUndefined();
    expect(api.store.resourceVersion).toBe(rv);
    expect(() => api.apply(gadgets, 'default', 'd', gadget('d', { size: 'x' }), { fieldManager: 'm', dryRun: true })).toThrow(ApiError);
  });

  it('lists with label and field selectors and pages with limit and continue', () => {
    for (const [i, env] of ['prod', 'dev', 'prod', 'test'].entries()) {
      api.create(gadgets, 'default', gadget(`l${i}`, { size: i }, { metadata: { name: `l${i}`, labels: { env } } }));
    }
    const names = (r: { entries: readonly { object: KubeObject }[] }) => r.entries.map((e) => e.object.metadata.name);
    expect(names(api.list(gadgets, 'default', { labelSelector: parseLabelSelector('env=prod') }))).toEqual(['l0', 'l2']);
    expect(names(api.list(gadgets, 'default', { labelSelector: parseLabelSelector('env notin (prod)') }))).toEqual(['l1', 'l3']);
    expect(names(api.list(gadgets, undefined, { fieldSelector: [{ field: 'metadata.name', negated: false, value: 'l3' }] }))).toEqual(['l3']);
    const first = api.list(gadgets, 'default', { limit: 3 });
    expect(names(first)).toEqual(['l0', 'l1', 'l2']);
    expect(first.remainingItemCount).toBe(1);
    expect(names(api.list(gadgets, 'default', { limit: 3, continueToken: first.continueToken! }))).toEqual(['l3']);
    const filtered = api.list(gadgets, 'default', { limit: 1, labelSelector: parseLabelSelector('env=prod') });
    expect(names(filtered)).toEqual(['l0']);
    expect(names(api.list(gadgets, 'default', { limit: 1, labelSelector: parseLabelSelector('env=prod'), continueToken: filtered.continueToken! }))).toEqual(['l2']);
  });

  it('deletes the content of a namespace with it', () => {
    api.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'temp' } });
    api.create(CONFIG_MAPS, 'temp', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
    api.create(gadgets, 'temp', { ...gadget('held', { size: 1 }), metadata: { name: 'held', namespace: 'temp', finalizers: ['x/y'] } });
    api.delete(NAMESPACES, undefined, 'temp');
    expect(api.find(CONFIG_MAPS, 'temp', 'a')).toBeUndefined();
    expect(api.find(NAMESPACES, undefined, 'temp')?.['status']).toEqual({ phase: 'Terminating' });
    const blocked = refusal(() => api.create(CONFIG_MAPS, 'temp', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } }));
    expect(blocked.status.code).toBe(403);
    api.patch(gadgets, 'temp', 'held', 'merge', { metadata: { finalizers: null } });
    expect(api.find(NAMESPACES, undefined, 'temp')).toBeUndefined();
  });

  it('refuses strategic merge on custom resources with 415 and accepts it on built-ins', () => {
    api.create(gadgets, 'default', gadget('smp', { size: 1 }));
    const error = refusal(() => api.patch(gadgets, 'default', 'smp', 'strategic', { spec: { size: 2 } }));
    expect(error.status).toMatchObject({ code: 415, reason: 'UnsupportedMediaType' });
    api.create(CONFIG_MAPS, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'smp' }, data: { a: '1' } });
    const patched = api.patch(CONFIG_MAPS, 'default', 'smp', 'strategic', { data: { b: '2' } });
    expect(patched.object['data']).toEqual({ a: '1', b: '2' });
  });

  it('requires a field manager for apply as the apiserver does', () => {
    const error = refusal(() => api.apply(gadgets, 'default', 'm', gadget('m', { size: 1 }), {}));
    expect(error.status).toMatchObject({ code: 422, reason: 'Invalid', message: 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch' });
  });
});
