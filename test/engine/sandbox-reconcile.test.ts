import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/core/render/kube-object.js';
import { startHarness, type Harness } from './support/sandbox-harness.js';

const V1 = 'kubermatic.k8c.io/v1';
let h: Harness;

beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

function actions(result: { targets: readonly { target: string; stages: readonly { changes: readonly { action: string; id: { kind: string; name: string } }[] }[] }[] }): string[] {
  return result.targets.flatMap((t) => t.stages.flatMap((s) => s.changes.filter((c) => c.action !== 'unchanged').map((c) => `${t.target} ${c.action} ${c.id.kind}/${c.id.name}`)));
}

describe('reconciling against the sandbox', () => {
  it('creates every object on its own target on the first apply', async () => {
    const { result } = await h.apply();
    expect(result?.targets.map((t) => [t.target, t.status])).toEqual([
      ['master', 'applied'],
      ['seed-eu', 'applied'],
      ['seed-us', 'applied'],
    ]);
    expect(h.writes().sort()).toEqual([
      'master patch groupprojectbindings.kubermatic.k8c.io/shop4x7k2m-sre',
      'master patch projects.kubermatic.k8c.io/shop4x7k2m',
      'master patch seeds.kubermatic.k8c.io/seed-eu',
      'master patch seeds.kubermatic.k8c.io/seed-us',
      'master patch userprojectbindings.kubermatic.k8c.io/shop4x7k2m-alice',
      'master patch users.kubermatic.k8c.io/alice',
      'master patch usersshkeys.kubermatic.k8c.io/shop4x7k2m-alice-laptop',
      'seed-eu patch clusters.kubermatic.k8c.io/shop-ams',
      'seed-eu patch clusters.kubermatic.k8c.io/shop-eu',
      'seed-us patch clusters.kubermatic.k8c.io/shop-us',
    ]);
    const seed = h.find('master', 'Seed', 'seed-eu', 'kubermatic');
    expect(Object.keys((seed?.['spec'] as { datacenters: object }).datacenters).sort()).toEqual(['aws-eu-central-1', 'do-ams1']);
    expect(seed?.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'kkp-gitops', 'gitops.kkp.dev/repository': 'acme.kkp-config' });
    expect(seed?.metadata.annotations).toMatchObject({ 'gitops.kkp.dev/repository': 'acme/kkp-config', 'gitops.kkp.dev/source': 'seeds/seed-eu.yaml#0' });
    expect(seed?.metadata.managedFields?.map((m) => m.manager)).toContain('kkp-gitops');
    expect(h.find('seed-us', 'Cluster', 'shop-eu')).toBeUndefined();
  });

  it('writes nothing when the same commit is applied a second time, and reads with one list per kind and one discovery per API group version per target', async () => {
    await h.apply();
    h.resetRequests();
    const { result } = await h.apply();
    expect(actions(result!)).toEqual([]);
    expect(h.writes()).toEqual([]);
    // master: 6 kinds + the Secrets of `kubermatic`, and discovery of v1 and kubermatic.k8c.io/v1; each seed: Clusters
    // and discovery of kubermatic.k8c.io/v1.
    expect(h.requestCount()).toBe(7 + 2 + 2 * (1 + 1));
  });

  it('updates exactly the object whose file changed', async () => {
    await h.apply();
    h.edit('projects/shop/clusters/shop-us.yaml', (t) => t.replace('Shop (US)', 'Shop (United States)'));
    h.resetRequests();
    const { result } = await h.apply();
    expect(actions(result!)).toEqual(['seed-us update Cluster/shop-us']);
    expect(h.writes()).toEqual(['seed-us patch clusters.kubermatic.k8c.io/shop-us']);
    expect((h.find('seed-us', 'Cluster', 'shop-us')?.['spec'] as { humanReadableName: string }).humanReadableName).toBe('Shop (United States)');
  });

  it('prunes exactly the object whose document was removed, never an unmanaged object or another repository’s', async () => {
    await h.apply();
    const project = (name: string, labels?: Record<string, string>): KubeObject => ({ apiVersion: V1, kind: 'Project', metadata: { name, ...(labels ? { labels } : {}) }, spec: { name } });
    h.applyAs('kubectl', 'master', project('handmade01'));
    h.applyAs('kubectl', 'master', project('otherrepo1', { 'app.kubernetes.io/managed-by': 'kkp-gitops', 'gitops.kkp.dev/repository': 'other.repo' }));
    h.edit('projects/shop/project.yaml', (t) => t.slice(0, t.lastIndexOf('---')));
    // The only managed UserSSHKey: deleting all of a kind needs an allowance (the mass-deletion guard).
    const guarded = await h.apply();
    expect(actions(guarded.result!)).toEqual(['master skip UserSSHKey/shop4x7k2m-alice-laptop']);
    h.resetRequests();
    const { result } = await h.apply({ allowDeletions: true });
    expect(actions(result!)).toEqual(['master delete UserSSHKey/shop4x7k2m-alice-laptop']);
    expect(h.writes()).toEqual(['master delete usersshkeys.kubermatic.k8c.io/shop4x7k2m-alice-laptop']);
    expect(h.find('master', 'UserSSHKey', 'shop4x7k2m-alice-laptop')).toBeUndefined();
    expect(h.find('master', 'Project', 'handmade01')).toBeDefined();
    expect(h.find('master', 'Project', 'otherrepo1')).toBeDefined();
  });

  it('removes a field dropped from Git while keeping the fields other managers set', async () => {
    await h.apply();
    h.applyAs('team-a-tool', 'seed-eu', { apiVersion: V1, kind: 'Cluster', metadata: { name: 'shop-eu', labels: { owner: 'team-a' } } });
    h.edit('projects/shop/clusters/shop-eu.yaml', (t) => t.replace('    tier: production\n', ''));
    const planned = await h.plan();
    const change = planned.plan?.targets.find((t) => t.target === 'seed-eu')?.stages.flatMap((s) => s.changes).find((c) => c.id.name === 'shop-eu');
    expect(change).toMatchObject({ action: 'update', diff: [{ path: 'metadata.labels.tier', before: 'production' }] });
    await h.apply();
    const live = h.find('seed-eu', 'Cluster', 'shop-eu');
    expect(live?.metadata.labels?.['tier']).toBeUndefined();
    expect(live?.metadata.labels?.['owner']).toBe('team-a');
    expect((live?.['spec'] as { exposeStrategy?: string }).exposeStrategy).toBe('NodePort');
  });

  it('fails an unreachable seed alone while the master and the other seed apply', async () => {
    await h.sandbox.clusters.get('seed-us')?.faults.refuseConnections();
    try {
      const { result } = await h.apply();
      expect(result?.targets.map((t) => [t.target, t.status])).toEqual([
        ['master', 'applied'],
        ['seed-eu', 'applied'],
        ['seed-us', 'unreachable'],
      ]);
      expect(result?.targets[2]?.error).toContain('ECONNREFUSED');
      expect(h.find('seed-eu', 'Cluster', 'shop-eu')).toBeDefined();
    } finally {
      await h.sandbox.clusters.get('seed-us')?.faults.acceptConnections();
    }
  });

  it('retries requests the API answers with 503 or 429, and reports the ones that keep failing', async () => {
    const faults = h.sandbox.clusters.get('seed-eu')!.faults;
    faults.set({ failureRate: 0.5, failureStatus: 503, verbs: ['patch'] });
    const retried = await h.apply();
    expect(retried.result?.targets.map((t) => t.status)).toEqual(['applied', 'applied', 'applied']);
    expect(h.sandbox.clusters.get('seed-eu')!.requests.filter({ verb: 'patch', injected: true }).length).toBeGreaterThan(0);

    faults.set({ failureRate: 1, failureStatus: 429, retryAfterSeconds: 0, verbs: ['patch'] });
    h.edit('projects/shop/clusters/shop-eu.yaml', (t) => t.replace('Shop (EU)', 'Shop (Europe)'));
    const failing = await h.apply();
    const change = failing.result?.targets[1]?.stages.flatMap((s) => s.changes).find((c) => c.id.name === 'shop-eu');
    expect(change?.error).toMatchObject({ code: 429 });
    expect(failing.result?.targets[1]?.status).toBe('failed');
    faults.clear();
  });

  it('skips and reports a destructive deletion without an allowance, and runs it with one', async () => {
    await h.apply();
    h.remove('projects/shop/clusters/shop-ams.yaml');
    h.resetRequests();
    const skipped = await h.apply();
    expect(actions(skipped.result!)).toEqual(['seed-eu skip Cluster/shop-ams']);
    const change = skipped.result?.targets[1]?.stages.flatMap((s) => s.changes).find((c) => c.id.name === 'shop-ams');
    expect(change).toMatchObject({ destructive: true, reason: expect.stringContaining('destructive') });
    expect(h.writes()).toEqual([]);
    expect(h.find('seed-eu', 'Cluster', 'shop-ams')).toBeDefined();

    const allowed = await h.apply({ allowDeletions: true });
    expect(actions(allowed.result!)).toEqual(['seed-eu delete Cluster/shop-ams']);
    expect(h.find('seed-eu', 'Cluster', 'shop-ams')).toBeUndefined();
  });

  it('reports drift on a managed object edited by hand, names the other manager on conflict, and takes the field back with force', async () => {
    await h.apply();
    h.applyAs('kubectl-edit', 'master', { apiVersion: V1, kind: 'Project', metadata: { name: 'shop4x7k2m' }, spec: { name: 'Renamed by hand' } });
    const planned = await h.plan();
    const change = planned.plan?.targets[0]?.stages.flatMap((s) => s.changes).find((c) => c.id.kind === 'Project');
    expect(change).toMatchObject({ action: 'update', drift: true, diff: [{ path: 'spec.name', before: 'Renamed by hand', after: 'Web shop' }] });

    const refused = await h.apply();
    const failed = refused.result?.targets[0]?.stages.flatMap((s) => s.changes).find((c) => c.id.kind === 'Project');
    expect(failed?.error).toMatchObject({ code: 409, conflictManagers: ['kubectl-edit'] });

    await h.apply({ force: true });
    expect((h.find('master', 'Project', 'shop4x7k2m')?.['spec'] as { name: string }).name).toBe('Web shop');
  });

  it('makes a Seed whose kubeconfig Secret is missing a plan error and its seed unreachable', async () => {
    h.sandbox.clusters.get('master')?.api.delete(h.sandbox.clusters.get('master')!.api.typeOf('v1', 'Secret')!, 'kubermatic', 'kubeconfig-seed-us');
    const { plan } = await h.plan();
    const seedUs = plan?.targets.find((t) => t.target === 'seed-us');
    expect(seedUs).toMatchObject({ status: 'unreachable', error: expect.stringContaining('kubeconfig-seed-us') });
    const seedChange = plan?.targets[0]?.stages.flatMap((s) => s.changes).find((c) => c.id.name === 'seed-us');
    expect(seedChange?.errors.join()).toContain("kubeconfig Secret 'kubeconfig-seed-us'");
    expect(plan?.targets.find((t) => t.target === 'seed-eu')?.status).toBe('ready');
  });
});
