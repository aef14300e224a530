import { describe, expect, it } from 'vitest';
import { applyServerSide, recordUpdate, specChanged, type KObject, type RecordUpdateOptions } from '../../../src/emulator/ssa/index.js';
import { apiVersion, cluster, clusterSchema, T0, T1, T2 } from './fixtures.js';

const update = (manager: string, now: string, more: Partial<RecordUpdateOptions> = {}): RecordUpdateOptions => ({
  manager,
  apiVersion,
  now,
  schema: clusterSchema,
  ...more,
});

function fieldsOf(object: KObject, manager: string): unknown {
  return object.metadata?.managedFields?.find((entry) => entry.manager === manager)?.fieldsV1;
}

describe('recordUpdate', () => {
  it('records a create as an Update entry owning every field, with "." on maps the write created', () => {
    const created = recordUpdate(
      undefined,
      cluster({ humanReadableName: 'Prod', cloud: { dc: 'eu' } }, { metadata: { name: 'prod-1', labels: { app: 'x' } } }),
      update('kubectl-create', T0),
    );
    expect(created.metadata?.managedFields).toEqual([
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion,
        time: T0,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
          'f:spec': { '.': {}, 'f:cloud': { '.': {}, 'f:dc': {} }, 'f:humanReadableName': {} },
        },
      },
    ]);
  });

  it('an update takes ownership of changed fields from other managers', () => {
    const applied = applyServerSide(undefined, cluster({ humanReadableName: 'Prod', version: '1.29' }), {
      manager: 'kkp-gitops',
      force: false,
      apiVersion,
      now: T0,
      schema: clusterSchema,
    });
    if (!applied.ok) throw new Error('apply failed');
    const live = applied.object;
    const edited = recordUpdate(live, { ...live, spec: { humanReadableName: 'Edited', version: '1.29' } }, update('kubectl-edit', T1));
    expect(fieldsOf(edited, 'kkp-gitops')).toEqual({ 'f:spec': { 'f:version': {} } });
    expect(fieldsOf(edited, 'kubectl-edit')).toEqual({ 'f:spec': { 'f:humanReadableName': {} } });
    expect(edited.metadata?.managedFields?.map((entry) => entry.operation)).toEqual(['Apply', 'Update']);
  });

  it('removed fields leave every set and empty entries are dropped', () => {
    const created = recordUpdate(undefined, cluster({ humanReadableName: 'Prod' }), update('creator', T0));
    const changed = recordUpdate(created, { ...created, spec: { version: '1.30' } }, update('editor', T1));
    expect(fieldsOf(changed, 'creator')).toEqual({ 'f:spec': {} });
    expect(fieldsOf(changed, 'editor')).toEqual({ 'f:spec': { 'f:version': {} } });
    const { spec: _spec, ...withoutSpec } = changed;
    const emptied = recordUpdate(changed, withoutSpec, update('remover', T2));
    expect(emptied.metadata?.managedFields).toBeUndefined();
  });

  it('a no-op update keeps the manager entries and their timestamps', () => {
    const created = recordUpdate(undefined, cluster({ humanReadableName: 'Prod' }), update('creator', T0));
    const same = recordUpdate(created, structuredClone(created), update('creator', T2));
    expect(same.metadata?.managedFields).toEqual(created.metadata?.managedFields);
    const other = recordUpdate(created, structuredClone(created), update('someone-else', T2));
    expect(other.metadata?.managedFields).toEqual(created.metadata?.managedFields);
  });

  it('a later update by the same manager adds to its entry and takes the new time', () => {
    const created = recordUpdate(undefined, cluster({ humanReadableName: 'Prod' }), update('editor', T0));
    const more = recordUpdate(created, { ...created, spec: { humanReadableName: 'Prod', version: '1' } }, update('editor', T1));
    expect(more.metadata?.managedFields).toHaveLength(1);
    expect(more.metadata?.managedFields?.[0]?.time).toBe(T1);
    expect(fieldsOf(more, 'editor')).toEqual({ 'f:spec': { '.': {}, 'f:humanReadableName': {}, 'f:version': {} } });
  });

  it('status updates on the status subresource are recorded with subresource status', () => {
    const created = recordUpdate(undefined, cluster({ humanReadableName: 'Prod' }), update('creator', T0));
    const status = recordUpdate(created, { ...created, status: { phase: 'Running' } }, update('controller', T1, { subresource: 'status' }));
    const entry = status.metadata?.managedFields?.find((candidate) => candidate.manager === 'controller');
    expect(entry).toMatchObject({ subresource: 'status', fieldsV1: { 'f:status': { '.': {}, 'f:phase': {} } } });
  });

  it('explicit managedFields [{}] in the request clear them', () => {
    const created = recordUpdate(undefined, cluster({ humanReadableName: 'Prod' }), update('creator', T0));
    const cleared = recordUpdate(created, { ...created, metadata: { ...created.metadata, managedFields: [{}] as never } }, update('kubectl-patch', T1));
    expect(cleared.metadata?.managedFields).toBeUndefined();
  });
});

describe('specChanged', () => {
  it('sees changes outside metadata and status only', () => {
    const base = cluster({ humanReadableName: 'Prod' });
    expect(specChanged(base, { ...base, metadata: { name: 'prod-1', labels: { a: 'b' } } })).toBe(false);
    expect(specChanged(base, { ...base, status: { phase: 'x' } })).toBe(false);
    expect(specChanged(base, cluster({ humanReadableName: 'Other' }))).toBe(true);
    expect(specChanged(base, { ...base, extra: 1 })).toBe(true);
  });
});
