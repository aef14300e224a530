/**
 * Proof of fidelity: the real kubectl (v1.32) against an in-process sandbox. Each scenario is something the
 * reconciler and newcomers rely on, checked the way kubectl reports it.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/emulator/kube-object.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/start-sandbox.js';
import { eventually, KUBECTL, KubectlRunner } from './kubectl-runner.js';

const project = (name: string, spec: Record<string, unknown>, labels: Record<string, string> = {}): string =>
  JSON.stringify({ apiVersion: 'kubermatic.k8c.io/v1', kind: 'Project', metadata: { name, labels }, spec });

describe.skipIf(!existsSync(KUBECTL))('kubectl against the sandbox', () => {
  let sandbox: Sandbox;
  let kubectl: KubectlRunner;

  const master = () => sandbox.clusters.get('master')!;
  const projectType = () => master().api.typeOf('kubermatic.k8c.io/v1', 'Project')!;
  const liveProject = (name: string): KubeObject | undefined => master().api.find(projectType(), undefined, name);

  beforeAll(async () => {
    sandbox = await startSandbox({ seeds: ['seed-eu', 'seed-us'] });
    kubectl = new KubectlRunner(sandbox.kubeconfigYaml);
  });
  afterAll(async () => {
    kubectl.dispose();
    await sandbox.stop();
  });

  it('prints namespaces and custom resources as tables with name and age columns', async () => {
    const ns = await kubectl.run('master', ['get', 'namespaces']);
    expect(ns.stderr).toBe('');
    expect(ns.stdout.split('\n')[0]).toMatch(/^NAME\s+STATUS\s+AGE$/);
    expect(ns.stdout).toMatch(/^kubermatic\s+Active\s+\d+s$/m);

    await kubectl.run('master', ['apply', '--server-side', '-f', '-'], project('tables', { name: 'Tables' }));
    const projects = await kubectl.run('master', ['get', 'projects']);
    expect(projects.stdout.split('\n')[0]).toMatch(/^NAME\s+HUMANREADABLENAME\s+STATUS\s+AGE$/);
    expect(projects.stdout).toMatch(/^tables\s+Tables\s+\d+s$/m);
  });

  it('round-trips an object through get -o json and replace', async () => {
    await kubectl.run('master', ['apply', '--server-side', '-f', '-'], project('roundtrip', { name: 'Round trip' }));
    const got = await kubectl.run('master', ['get', 'project', 'roundtrip', '-o', 'json']);
    const object = JSON.parse(got.stdout) as KubeObject;
    expect(object.spec).toEqual({ name: 'Round trip' });
    expect(object.metadata.resourceVersion).toBe(liveProject('roundtrip')?.metadata.resourceVersion);

    const changed = { ...object, spec: { name: 'Round trip 2' } };
    const replaced = await kubectl.run('master', ['replace', '-f', '-'], JSON.stringify(changed));
    expect(replaced.stderr).toBe('');
    expect(replaced.stdout).toContain('project.kubermatic.k8c.io/roundtrip replaced');
    expect(liveProject('roundtrip')?.['spec']).toEqual({ name: 'Round trip 2' });
  });

  it('applies server-side: creates, changes, and removes a field the manager dropped', async () => {
    const created = await kubectl.run('master', ['apply', '--server-side', '-f', '-'], project('ssa', { name: 'SSA', allowedOperatingSystems: { ubuntu: true } }));
    expect(created.stdout).toContain('project.kubermatic.k8c.io/ssa serverside-applied');
    expect(liveProject('ssa')?.['spec']).toEqual({ name: 'SSA', allowedOperatingSystems: { ubuntu: true } });
    expect(liveProject('ssa')?.metadata.generation).toBe(1);

    await kubectl.run('master', ['apply', '--server-side', '-f', '-'], project('ssa', { name: 'SSA', allowedOperatingSystems: { ubuntu: false } }));
    expect(liveProject('ssa')?.['spec']).toEqual({ name: 'SSA', allowedOperatingSystems: { ubuntu: false } });
    expect(liveProject('ssa')?.metadata.generation).toBe(2);

    await kubectl.run('master', ['apply', '--server-side', '-f', '-'], project('ssa', { name: 'SSA' }));
    expect(liveProject('ssa')?.['spec']).toEqual({ name: 'SSA' });
    const managers = liveProject('ssa')?.metadata.managedFields?.map((m) => `${m.manager}/${m.operation}`);
    expect(managers).toEqual(['kubectl/Apply']);
  });

  it('refuses a second manager conflicting apply unless it forces conflicts', async () => {
    await kubectl.run('master', ['apply', '--server-side', '-f', '-'], project('contested', { name: 'Mine' }));
    const refused = await kubectl.run('master', ['apply', '--server-side', '--field-manager', 'intruder', '-f', '-'], project('contested', { name: 'Theirs' }));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl": .spec.name');
    expect(liveProject('contested')?.['spec']).toEqual({ name: 'Mine' });

    const forced = await kubectl.run('master', ['apply', '--server-side', '--field-manager', 'intruder', '--force-conflicts', '-f', '-'], project('contested', { name: 'Theirs' }));
    expect(forced.code).toBe(0);
    expect(liveProject('contested')?.['spec']).toEqual({ name: 'Theirs' });
    const owners = liveProject('contested')?.metadata.managedFields?.map((m) => m.manager);
    expect(owners).toContain('intruder');
  });

  it('shows a server-side diff without changing the object', async () => {
    await kubectl.run('master', ['apply', '--server-side', '-f', '-'], project('diffed', { name: 'Before' }));
    const rv = liveProject('diffed')?.metadata.resourceVersion;
    const diff = await kubectl.run('master', ['diff', '--server-side', '-f', '-'], project('diffed', { name: 'After' }));
    expect(diff.code).toBe(1);
    expect(diff.stdout).toMatch(/^-\s+name: Before$/m);
    expect(diff.stdout).toMatch(/^\+\s+name: After$/m);
    expect(liveProject('diffed')?.metadata.resourceVersion).toBe(rv);

    const same = await kubectl.run('master', ['diff', '--server-side', '-f', '-'], project('diffed', { name: 'Before' }));
    expect(same.code).toBe(0);
    expect(same.stdout).toBe('');
  });

  it('refuses replace with a stale object', async () => {
    await kubectl.run('master', ['apply', '--server-side', '-f', '-'], project('stale', { name: 'One' }));
    const stale = (await kubectl.run('master', ['get', 'project', 'stale', '-o', 'json'])).stdout;
    await kubectl.run('master', ['apply', '--server-side', '-f', '-'], project('stale', { name: 'Two' }));
    const refused = await kubectl.run('master', ['replace', '-f', '-'], stale);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      'Operation cannot be fulfilled on projects.kubermatic.k8c.io "stale": the object has been modified; please apply your changes to the latest version and try again',
    );
    expect(liveProject('stale')?.['spec']).toEqual({ name: 'Two' });
  });

  it('deletes objects, and delete --wait waits until another call removes the last finalizer', async () => {
    await kubectl.run('master', ['apply', '--server-side', '-f', '-'], project('plain', { name: 'Plain' }));
    const plain = await kubectl.run('master', ['delete', 'project', 'plain']);
    expect(plain.stdout).toContain('project.kubermatic.k8c.io "plain" deleted');
    expect(liveProject('plain')).toBeUndefined();

    const withFinalizer = JSON.stringify({ apiVersion: 'kubermatic.k8c.io/v1', kind: 'Project', metadata: { name: 'guarded', finalizers: ['example.com/cleanup'] }, spec: { name: 'Guarded' } });
    await kubectl.run('master', ['apply', '--server-side', '-f', '-'], withFinalizer);
    const deleting = kubectl.start('master', ['delete', 'project', 'guarded', '--wait', '--timeout=15s']);
    await eventually(() => liveProject('guarded')?.metadata.deletionTimestamp, 'the deletionTimestamp');
    expect(liveProject('guarded')).toBeDefined();
    const patched = await kubectl.run('master', ['patch', 'project', 'guarded', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    expect(patched.code).toBe(0);
    expect(await deleting.exited).toBe(0);
    expect(deleting.output()).toContain('project.kubermatic.k8c.io "guarded" deleted');
    expect(liveProject('guarded')).toBeUndefined();
  });

  it('selects objects with label selectors', async () => {
    await kubectl.run('master', ['apply', '--server-side', '-f', '-'], project('sel-prod', { name: 'P' }, { env: 'prod', team: 'a' }));
    await kubectl.run('master', ['apply', '--server-side', '-f', '-'], project('sel-dev', { name: 'D' }, { env: 'dev' }));
    await kubectl.run('master', ['apply', '--server-side', '-f', '-'], project('sel-test', { name: 'T' }, { env: 'test', team: 'b' }));
    const names = async (selector: string) => (await kubectl.run('master', ['get', 'projects', '-l', selector, '-o', 'name'])).stdout.trim().split('\n').filter(Boolean);
    expect(await names('env=prod')).toEqual(['project.kubermatic.k8c.io/sel-prod']);
    expect(await names('env in (dev,test)')).toEqual(['project.kubermatic.k8c.io/sel-dev', 'project.kubermatic.k8c.io/sel-test']);
    expect(await names('env,!team')).toEqual(['project.kubermatic.k8c.io/sel-dev']);
    expect(await names('env!=prod,team')).toEqual(['project.kubermatic.k8c.io/sel-test']);
  });

  it('sees a change with get -w', async () => {
    await kubectl.run('master', ['apply', '--server-side', '-f', '-'], project('watched', { name: 'Watched' }));
    const watching = kubectl.start('master', ['get', 'project', 'watched', '-w', '-o', 'custom-columns=NAME:.metadata.name,DISPLAY:.spec.name']);
    await eventually(() => /watched\s+Watched/.test(watching.output()), 'the initial row');
    await kubectl.run('master', ['apply', '--server-side', '-f', '-'], project('watched', { name: 'Renamed' }));
    await eventually(() => /watched\s+Renamed/.test(watching.output()), 'the change');
    watching.child.kill();
    await watching.exited;
  });

  it('validates writes with --dry-run=server without storing them', async () => {
    const dry = await kubectl.run('master', ['apply', '--server-side', '--dry-run=server', '-f', '-'], project('dry', { name: 'Dry' }));
    expect(dry.stdout).toContain('project.kubermatic.k8c.io/dry serverside-applied (server dry run)');
    expect(liveProject('dry')).toBeUndefined();
    const rv = master().api.store.resourceVersion;
    const created = await kubectl.run('master', ['create', '--dry-run=server', '-f', '-'], project('dry', { name: 'Dry' }));
    expect(created.code).toBe(0);
    expect(master().api.store.resourceVersion).toBe(rv);
  });

  it('reports unknown fields under kubectl default strict validation', async () => {
    const body = JSON.stringify({ apiVersion: 'kubermatic.k8c.io/v1', kind: 'Project', metadata: { name: 'strict' }, spec: { name: 'S' }, extra: 1 });
    const refused = await kubectl.run('master', ['create', '-f', '-'], body);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('strict decoding error: unknown field "extra"');
    expect(liveProject('strict')).toBeUndefined();
  });

  it('applies client-side too (merge patch for custom resources)', async () => {
    const first = await kubectl.run('master', ['apply', '-f', '-'], project('csa', { name: 'One' }));
    expect(first.stdout).toContain('project.kubermatic.k8c.io/csa created');
    const second = await kubectl.run('master', ['apply', '-f', '-'], project('csa', { name: 'Two' }));
    expect(second.stdout).toContain('project.kubermatic.k8c.io/csa configured');
    expect(liveProject('csa')?.['spec']).toEqual({ name: 'Two' });
  });

  it('creates core objects kubectl sends as protobuf', async () => {
    const created = await kubectl.run('seed-eu', ['create', 'secret', 'generic', 'creds', '-n', 'default', '--from-literal=token=abc']);
    expect(created.stderr).toBe('');
    const secret = sandbox.clusters.get('seed-eu')!.api.find(sandbox.clusters.get('seed-eu')!.api.typeOf('v1', 'Secret')!, 'default', 'creds');
    expect(secret?.['data']).toEqual({ token: Buffer.from('abc').toString('base64') });
    expect(secret?.['type']).toBe('Opaque');
  });
});
