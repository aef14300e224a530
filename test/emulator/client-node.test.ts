/** Proof of fidelity through @kubernetes/client-node 1.x: KubernetesObjectApi and Watch against the sandbox. */
import { ApiException, KubeConfig, KubernetesObjectApi, PatchStrategy, Watch, type KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/start-sandbox.js';
import { eventually } from './kubectl-runner.js';

interface Project extends KubernetesObject {
  spec?: Record<string, unknown>;
}

const project = (name: string, spec: Record<string, unknown>, labels?: Record<string, string>): Project => ({
  apiVersion: 'kubermatic.k8c.io/v1',
  kind: 'Project',
  metadata: { name, ...(labels ? { labels } : {}) },
  spec,
});

async function failure(promise: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiException) return { code: error.code, body: JSON.parse(String(error.body)) as Record<string, unknown> };
    throw error;
  }
  throw new Error('expected the request to fail');
}

describe('@kubernetes/client-node against the sandbox', () => {
  let sandbox: Sandbox;
  let kc: KubeConfig;
  let api: KubernetesObjectApi;

  beforeAll(async () => {
    sandbox = await startSandbox({ seeds: ['seed-eu'] });
    kc = new KubeConfig();
    kc.loadFromString(sandbox.kubeconfigYaml);
    kc.setCurrentContext('master');
    api = KubernetesObjectApi.makeApiClient(kc);
  });
  afterAll(async () => {
    await sandbox.stop();
  });

  it('creates, reads and lists custom resources', async () => {
    const created = await api.create(project('cn-one', { name: 'One' }, { tier: 'gold' }));
    expect(created.metadata?.uid).toBeTruthy();
    expect(created.metadata?.resourceVersion).toBeTruthy();
    const read = await api.read<Project>({ apiVersion: 'kubermatic.k8c.io/v1', kind: 'Project', metadata: { name: 'cn-one' } });
    expect(read.spec).toEqual({ name: 'One' });
    await api.create(project('cn-two', { name: 'Two' }));
    const gold = await api.list('kubermatic.k8c.io/v1', 'Project', undefined, undefined, undefined, undefined, undefined, 'tier=gold');
    expect(gold.items.map((p) => p.metadata?.name)).toEqual(['cn-one']);
    // client-node drops `metadata.continue` of custom lists (it reads them as ObjectMeta): page through namespaces.
    const page = await api.list('v1', 'Namespace', undefined, undefined, undefined, undefined, undefined, undefined, 2);
    expect(page.items).toHaveLength(2);
    expect(page.metadata?._continue).toBeTruthy();
    const rest = await api.list('v1', 'Namespace', undefined, undefined, undefined, undefined, undefined, undefined, 10, page.metadata?._continue);
    expect([...page.items, ...rest.items].map((n) => n.metadata?.name)).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system', 'kubermatic']);
  });

  it('answers AlreadyExists and NotFound with the apiserver Status', async () => {
    await api.create(project('cn-dup', { name: 'Dup' }));
    const dup = await failure(api.create(project('cn-dup', { name: 'Dup' })));
    expect(dup.code).toBe(409);
    expect(dup.body).toMatchObject({ kind: 'Status', reason: 'AlreadyExists', message: 'projects.kubermatic.k8c.io "cn-dup" already exists', details: { name: 'cn-dup', group: 'kubermatic.k8c.io', kind: 'projects' } });
    const missing = await failure(api.read({ apiVersion: 'kubermatic.k8c.io/v1', kind: 'Project', metadata: { name: 'cn-none' } }));
    expect(missing.code).toBe(404);
    expect(missing.body).toMatchObject({ reason: 'NotFound', message: 'projects.kubermatic.k8c.io "cn-none" not found' });
  });

  it('applies server-side with a field manager and reports conflicts', async () => {
    const applied = await api.patch(project('cn-ssa', { name: 'Applied' }), undefined, undefined, 'gitops', false, PatchStrategy.ServerSideApply);
    expect(applied.spec).toEqual({ name: 'Applied' });
    expect(applied.metadata?.managedFields?.[0]?.manager).toBe('gitops');
    const conflict = await failure(api.patch(project('cn-ssa', { name: 'Other' }), undefined, undefined, 'someone-else', false, PatchStrategy.ServerSideApply));
    expect(conflict.code).toBe(409);
    expect(conflict.body['message']).toBe('Apply failed with 1 conflict: conflict with "gitops": .spec.name');
    const forced = await api.patch(project('cn-ssa', { name: 'Other' }), undefined, undefined, 'someone-else', true, PatchStrategy.ServerSideApply);
    expect(forced.spec).toEqual({ name: 'Other' });
    const noManager = await failure(api.patch(project('cn-ssa', { name: 'X' }), undefined, undefined, undefined, false, PatchStrategy.ServerSideApply));
    expect(noManager.code).toBe(422);
    expect(noManager.body['message']).toBe('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
  });

  it('patches with merge and JSON patches and refuses strategic merge on custom resources', async () => {
    await api.create(project('cn-patch', { name: 'P', description: 'd' }));
    const merged = await api.patch({ ...project('cn-patch', { description: null }) } as Project, undefined, undefined, undefined, undefined, PatchStrategy.MergePatch);
    expect(merged.spec).toEqual({ name: 'P' });
    const strategic = await failure(api.patch(project('cn-patch', { name: 'S' }), undefined, undefined, undefined, undefined, PatchStrategy.StrategicMergePatch));
    expect(strategic.code).toBe(415);
    expect(strategic.body['reason']).toBe('UnsupportedMediaType');
  });

  it('deletes, honouring finalizers until they are removed', async () => {
    await api.create({ ...project('cn-del', { name: 'D' }), metadata: { name: 'cn-del', finalizers: ['example.com/hold'] } });
    await api.delete({ apiVersion: 'kubermatic.k8c.io/v1', kind: 'Project', metadata: { name: 'cn-del' } });
    const held = await api.read<Project>({ apiVersion: 'kubermatic.k8c.io/v1', kind: 'Project', metadata: { name: 'cn-del' } });
    expect(held.metadata?.deletionTimestamp).toBeTruthy();
    await api.patch({ apiVersion: 'kubermatic.k8c.io/v1', kind: 'Project', metadata: { name: 'cn-del', finalizers: null } } as unknown as Project, undefined, undefined, undefined, undefined, PatchStrategy.MergePatch);
    const gone = await failure(api.read({ apiVersion: 'kubermatic.k8c.io/v1', kind: 'Project', metadata: { name: 'cn-del' } }));
    expect(gone.code).toBe(404);
  });

  it('watches ADDED, MODIFIED and DELETED events', async () => {
    const events: string[] = [];
    const watch = new Watch(kc);
    const controller = await watch.watch(
      '/apis/kubermatic.k8c.io/v1/projects',
      { labelSelector: 'watched=yes', allowWatchBookmarks: true },
      (phase, object: Project) => events.push(`${phase} ${object.metadata?.name ?? ''} ${String(object.spec?.['name'] ?? '')}`),
      () => undefined,
    );
    await api.create(project('cn-w', { name: 'W1' }, { watched: 'yes' }));
    await api.create(project('cn-unwatched', { name: 'U' }));
    await api.patch(project('cn-w', { name: 'W2' }), undefined, undefined, undefined, undefined, PatchStrategy.MergePatch);
    await api.delete({ apiVersion: 'kubermatic.k8c.io/v1', kind: 'Project', metadata: { name: 'cn-w' } });
    await eventually(() => events.length >= 3, 'three events');
    controller.abort();
    expect(events).toEqual(['ADDED cn-w W1', 'MODIFIED cn-w W2', 'DELETED cn-w W2']);
  });
});
