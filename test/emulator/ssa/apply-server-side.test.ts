import { describe, expect, it } from 'vitest';
import {
  applyServerSide,
  conflictMessage,
  recordUpdate,
  type ApplyOptions,
  type KObject,
} from '../../../src/emulator/ssa/index.js';
import { apiVersion, cluster, clusterSchema, T0, T1, T2 } from './fixtures.js';

const options = (manager: string, now: string, more: Partial<ApplyOptions> = {}): ApplyOptions => ({
  manager,
  force: false,
  apiVersion,
  now,
  schema: clusterSchema,
  ...more,
});

function apply(live: KObject | undefined, applied: KObject, opts: ApplyOptions): KObject {
  const result = applyServerSide(live, applied, opts);
  if (!result.ok) throw new Error(conflictMessage(result.conflicts));
  return result.object;
}

function entry(object: KObject, manager: string): Record<string, unknown> | undefined {
  return object.metadata?.managedFields?.find((candidate) => candidate.manager === manager) as Record<string, unknown> | undefined;
}

describe('applyServerSide', () => {
  it('creates an object and records the applied fields as one Apply entry', () => {
    const result = applyServerSide(undefined, cluster({ humanReadableName: 'Prod', cloud: { dc: 'eu' } }), options('kkp-gitops', T0));
    expect(result).toMatchObject({ ok: true, changed: true });
    if (!result.ok) return;
    expect(result.object.spec).toEqual({ humanReadableName: 'Prod', cloud: { dc: 'eu' } });
    expect(result.object.metadata?.managedFields).toEqual([
      {
        manager: 'kkp-gitops',
        operation: 'Apply',
        apiVersion,
        time: T0,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:cloud': { 'f:dc': {} }, 'f:humanReadableName': {} } },
      },
    ]);
  });

  it('an apply by a new manager on an object created by another manager conflicts on a differing field', () => {
    const created = recordUpdate(undefined, cluster({ humanReadableName: 'Prod', version: '1.29' }), {
      manager: 'kubectl-client-side-apply',
      apiVersion,
      now: T0,
      schema: clusterSchema,
    });
    const result = applyServerSide(created, cluster({ humanReadableName: 'Production', version: '1.29' }), options('kkp-gitops', T1));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.conflicts).toEqual([
      { manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion, path: '.spec.humanReadableName' },
    ]);
    expect(conflictMessage(result.conflicts)).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using kubermatic.k8c.io/v1: .spec.humanReadableName',
    );
  });

  it('force moves ownership to the applier', () => {
    const first = apply(undefined, cluster({ humanReadableName: 'Prod', version: '1.29' }), options('alice', T0));
    const second = apply(first, cluster({ humanReadableName: 'Production' }), options('bob', T1, { force: true }));
    expect((second.spec as Record<string, unknown>).humanReadableName).toBe('Production');
    expect(entry(second, 'alice')?.fieldsV1).toEqual({ 'f:spec': { 'f:version': {} } });
    expect(entry(second, 'bob')?.fieldsV1).toEqual({ 'f:spec': { 'f:humanReadableName': {} } });
  });

  it('same values are shared, not conflicts', () => {
    const first = apply(undefined, cluster({ humanReadableName: 'Prod', version: '1.29' }), options('alice', T0));
    const result = applyServerSide(first, cluster({ humanReadableName: 'Prod' }), options('bob', T1));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.changed).toBe(true);
    expect(entry(result.object, 'alice')?.fieldsV1).toEqual({ 'f:spec': { 'f:humanReadableName': {}, 'f:version': {} } });
    expect(entry(result.object, 'bob')?.fieldsV1).toEqual({ 'f:spec': { 'f:humanReadableName': {} } });
  });

  it('a field dropped from the applied configuration is removed when nobody else owns it', () => {
    const first = apply(undefined, cluster({ humanReadableName: 'Prod', version: '1.29', cloud: { dc: 'eu' } }), options('alice', T0));
    const second = apply(first, cluster({ humanReadableName: 'Prod' }), options('alice', T1));
    expect(second.spec).toEqual({ humanReadableName: 'Prod' });
    expect(entry(second, 'alice')?.fieldsV1).toEqual({ 'f:spec': { 'f:humanReadableName': {} } });
  });

  it('a field dropped by one applier survives while another manager still owns it', () => {
    const first = apply(undefined, cluster({ humanReadableName: 'Prod', version: '1.29' }), options('alice', T0));
    const shared = apply(first, cluster({ version: '1.29' }), options('bob', T1));
    const dropped = apply(shared, cluster({ humanReadableName: 'Prod' }), options('alice', T2));
    expect(dropped.spec).toEqual({ humanReadableName: 'Prod', version: '1.29' });
    expect(entry(dropped, 'alice')?.fieldsV1).toEqual({ 'f:spec': { 'f:humanReadableName': {} } });
    expect(entry(dropped, 'bob')?.fieldsV1).toEqual({ 'f:spec': { 'f:version': {} } });
  });

  it('a field dropped by an applier survives when an updater changed it since', () => {
    const first = apply(undefined, cluster({ humanReadableName: 'Prod', version: '1.29' }), options('alice', T0));
    const edited = recordUpdate(first, cluster({ humanReadableName: 'Prod', version: '1.30' }, { metadata: first.metadata }), {
      manager: 'kubectl-edit',
      apiVersion,
      now: T1,
      schema: clusterSchema,
    });
    const dropped = apply(edited, cluster({ humanReadableName: 'Prod' }), options('alice', T2));
    expect((dropped.spec as Record<string, unknown>).version).toBe('1.30');
  });

  it('a whole map dropped by its only owner is removed with its parent', () => {
    const first = apply(undefined, cluster({ humanReadableName: 'Prod', cloud: { dc: 'eu', providerName: 'aws' } }), options('alice', T0));
    const second = apply(first, cluster({ humanReadableName: 'Prod' }), options('alice', T1));
    expect(second.spec).toEqual({ humanReadableName: 'Prod' });
  });

  it('atomic lists are replaced whole and owned as one leaf', () => {
    const first = apply(undefined, cluster({ admissionPlugins: ['A', 'B'] }), options('alice', T0));
    expect(entry(first, 'alice')?.fieldsV1).toEqual({ 'f:spec': { 'f:admissionPlugins': {} } });
    const result = applyServerSide(first, cluster({ admissionPlugins: ['C'] }), options('bob', T1));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.conflicts.map((conflict) => conflict.path)).toEqual(['.spec.admissionPlugins']);
    const forced = apply(first, cluster({ admissionPlugins: ['C'] }), options('bob', T1, { force: true }));
    expect((forced.spec as Record<string, unknown>).admissionPlugins).toEqual(['C']);
    expect(entry(forced, 'alice')).toBeUndefined();
  });

  it('associative lists merge by key', () => {
    const first = apply(
      undefined,
      cluster({ machineNetworks: [{ name: 'a', cidr: '10.0.0.0/24' }, { name: 'b', cidr: '10.0.1.0/24' }] }),
      options('alice', T0),
    );
    const second = apply(first, cluster({ machineNetworks: [{ name: 'b', gateway: '10.0.1.1' }, { name: 'c', cidr: '10.0.2.0/24' }] }), options('bob', T1));
    expect((second.spec as Record<string, unknown>).machineNetworks).toEqual([
      { name: 'a', cidr: '10.0.0.0/24' },
      { name: 'b', cidr: '10.0.1.0/24', gateway: '10.0.1.1' },
      { name: 'c', cidr: '10.0.2.0/24' },
    ]);
    expect(entry(second, 'bob')?.fieldsV1).toEqual({
      'f:spec': {
        'f:machineNetworks': {
          'k:{"name":"b"}': { '.': {}, 'f:gateway': {}, 'f:name': {} },
          'k:{"name":"c"}': { '.': {}, 'f:cidr': {}, 'f:name': {} },
        },
      },
    });
  });

  it('an item dropped from an associative list goes only when nobody else owns it', () => {
    const first = apply(undefined, cluster({ machineNetworks: [{ name: 'a', cidr: '1' }, { name: 'b', cidr: '2' }] }), options('alice', T0));
    const shared = apply(first, cluster({ machineNetworks: [{ name: 'b', cidr: '2' }] }), options('bob', T1));
    const dropped = apply(shared, cluster({ machineNetworks: [] }), options('alice', T2));
    expect((dropped.spec as Record<string, unknown>).machineNetworks).toEqual([{ name: 'b', cidr: '2' }]);
  });

  it('set items are owned one by one', () => {
    const first = apply(undefined, cluster({ tags: ['x', 'y'] }), options('alice', T0));
    const second = apply(first, cluster({ tags: ['z'] }), options('bob', T1));
    expect((second.spec as Record<string, unknown>).tags).toEqual(['x', 'y', 'z']);
    expect(entry(second, 'bob')?.fieldsV1).toEqual({ 'f:spec': { 'f:tags': { 'v:"z"': {} } } });
  });

  it('atomic maps are replaced whole', () => {
    const first = apply(undefined, cluster({ labelsAtomic: { a: '1', b: '2' } }), options('alice', T0));
    const second = apply(first, cluster({ labelsAtomic: { c: '3' } }), options('alice', T1));
    expect((second.spec as Record<string, unknown>).labelsAtomic).toEqual({ c: '3' });
    expect(entry(second, 'alice')?.fieldsV1).toEqual({ 'f:spec': { 'f:labelsAtomic': {} } });
  });

  it('an empty map applied as {} is owned as a leaf', () => {
    const first = apply(undefined, cluster({ cloud: {} }), options('alice', T0));
    expect(first.spec).toEqual({ cloud: {} });
    expect(entry(first, 'alice')?.fieldsV1).toEqual({ 'f:spec': { 'f:cloud': {} } });
  });

  it('preserve-unknown-fields subtrees are granular with their keys owned', () => {
    const first = apply(undefined, cluster({ extra: { nested: { a: 1 }, list: [1, 2] } }), options('alice', T0));
    expect(entry(first, 'alice')?.fieldsV1).toEqual({
      'f:spec': { 'f:extra': { 'f:list': {}, 'f:nested': { '.': {}, 'f:a': {} } } },
    });
  });

  it('an identical re-apply reports unchanged and keeps timestamps', () => {
    const first = apply(undefined, cluster({ humanReadableName: 'Prod' }), options('alice', T0));
    const again = applyServerSide(first, cluster({ humanReadableName: 'Prod' }), options('alice', T1));
    expect(again).toMatchObject({ ok: true, changed: false });
    if (!again.ok) return;
    expect(again.object).toEqual(first);
    expect(entry(again.object, 'alice')?.time).toBe(T0);
  });

  it('a changed re-apply bumps only the applier timestamp', () => {
    const first = apply(undefined, cluster({ humanReadableName: 'Prod' }), options('alice', T0));
    const withBob = apply(first, cluster({ version: '1.29' }), options('bob', T1));
    const changed = apply(withBob, cluster({ humanReadableName: 'Production' }), options('alice', T2));
    expect(entry(changed, 'alice')?.time).toBe(T2);
    expect(entry(changed, 'bob')?.time).toBe(T1);
  });

  it('status applied on the main resource is ignored', () => {
    const result = applyServerSide(undefined, cluster({ humanReadableName: 'Prod' }, { status: { phase: 'Running' } }), options('alice', T0));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.object.status).toBeUndefined();
    expect(entry(result.object, 'alice')?.fieldsV1).toEqual({ 'f:spec': { 'f:humanReadableName': {} } });
  });

  it('only the status is applied on the status subresource, in its own entry', () => {
    const first = apply(undefined, cluster({ humanReadableName: 'Prod' }), options('alice', T0));
    const status = apply(
      first,
      cluster({ humanReadableName: 'Changed' }, { status: { phase: 'Running' } }),
      options('controller', T1, { subresource: 'status' }),
    );
    expect(status.spec).toEqual({ humanReadableName: 'Prod' });
    expect(status.status).toEqual({ phase: 'Running' });
    expect(entry(status, 'controller')).toEqual({
      manager: 'controller',
      operation: 'Apply',
      apiVersion,
      time: T1,
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:status': { 'f:phase': {} } },
      subresource: 'status',
    });
    const reapplied = applyServerSide(status, cluster({ humanReadableName: 'Prod' }), options('alice', T2));
    expect(reapplied).toMatchObject({ ok: true, changed: false });
  });

  it('status is an ordinary field for kinds without a status subresource', () => {
    const result = applyServerSide(undefined, cluster({}, { status: { phase: 'x' } }), options('alice', T0, { statusSubresource: false }));
    expect(result.ok && result.object.status).toEqual({ phase: 'x' });
  });

  it('never records identity and system metadata as owned', () => {
    const applied: KObject = {
      apiVersion,
      kind: 'Cluster',
      metadata: { name: 'prod-1', uid: 'u', resourceVersion: '5', labels: { team: 'a' }, finalizers: ['f1'] },
      spec: { humanReadableName: 'Prod' },
    };
    const created = apply(undefined, applied, options('alice', T0));
    expect(entry(created, 'alice')?.fieldsV1).toEqual({
      'f:metadata': { 'f:finalizers': { 'v:"f1"': {} }, 'f:labels': { 'f:team': {} } },
      'f:spec': { 'f:humanReadableName': {} },
    });
    expect(created.metadata?.uid).toBeUndefined();
  });

  it('keeps the name but removes the labels map when its only owner drops every label', () => {
    const first = apply(undefined, cluster({ humanReadableName: 'Prod' }, { metadata: { name: 'prod-1', labels: { a: '1' } } }), options('alice', T0));
    const second = apply(first, cluster({ humanReadableName: 'Prod' }), options('alice', T1));
    expect(second.metadata?.name).toBe('prod-1');
    expect(second.metadata?.labels).toBeUndefined();
    expect(second.metadata?.managedFields).toHaveLength(1);
  });

  it('treats every field of an object without managedFields as owned by before-first-apply', () => {
    const legacy = cluster({ humanReadableName: 'Prod' });
    const result = applyServerSide(legacy, cluster({ humanReadableName: 'Other' }), options('alice', T0));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(conflictMessage(result.conflicts)).toBe(
      'Apply failed with 1 conflict: conflict with "before-first-apply" using kubermatic.k8c.io/v1: .spec.humanReadableName',
    );
  });

  it('does not modify its inputs', () => {
    const live = apply(undefined, cluster({ humanReadableName: 'Prod', tags: ['a'] }), options('alice', T0));
    const applied = cluster({ humanReadableName: 'Other', tags: ['b'] });
    const liveCopy = structuredClone(live);
    const appliedCopy = structuredClone(applied);
    applyServerSide(live, applied, options('bob', T1, { force: true }));
    expect(live).toEqual(liveCopy);
    expect(applied).toEqual(appliedCopy);
  });
});
