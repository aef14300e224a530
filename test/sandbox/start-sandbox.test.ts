/** startSandbox: the landscape it starts, the kubeconfigs it hands out, and persistence across restarts. */
import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { KKP_KINDS } from '../../src/core/kinds.js';
import { defaultSeedNames } from '../../src/sandbox/example-seeds.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/start-sandbox.js';

describe('startSandbox', () => {
  const started: Sandbox[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.stop()));
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const start = async (...args: Parameters<typeof startSandbox>) => {
    const sandbox = await startSandbox(...args);
    started.push(sandbox);
    return sandbox;
  };

  it('defaults to the seeds of the examples', async () => {
    expect(defaultSeedNames()).toEqual(['seed-eu', 'seed-us']);
    const sandbox = await start();
    expect([...sandbox.clusters.keys()]).toEqual(['master', 'seed-eu', 'seed-us']);
  });

  it('serves the KKP kinds on the master and every seed, and the kubermatic namespace on the master', async () => {
    const sandbox = await start({ seeds: ['seed-a'] });
    for (const cluster of sandbox.clusters.values()) {
      for (const kind of KKP_KINDS) {
        const type = cluster.api.typeOf(kind.apiVersion, kind.kind);
        expect(type?.plural).toBe(kind.plural);
        expect(type?.namespaced).toBe(kind.namespaced);
        expect(type?.hasStatus).toBe(kind.hasStatus);
      }
    }
    const master = sandbox.clusters.get('master')!.api;
    expect(master.find(master.typeOf('v1', 'Namespace')!, undefined, 'kubermatic')).toBeDefined();
  });

  it('gives the master one kubeconfig Secret per seed that reaches that seed', async () => {
    const sandbox = await start({ seeds: ['seed-eu', 'seed-us'] });
    const master = sandbox.clusters.get('master')!.api;
    for (const seed of ['seed-eu', 'seed-us']) {
      const secret = master.find(master.typeOf('v1', 'Secret')!, 'kubermatic', `kubeconfig-${seed}`);
      const data = (secret?.['data'] ?? {}) as Record<string, string>;
      const config = new KubeConfig();
      config.loadFromString(Buffer.from(data['kubeconfig'] ?? '', 'base64').toString('utf8'));
      expect(config.getCurrentCluster()?.server).toBe(sandbox.clusters.get(seed)!.url);
      const api = KubernetesObjectApi.makeApiClient(config);
      const ns = await api.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
      expect(ns.metadata?.name).toBe('default');
      expect(sandbox.clusters.get(seed)!.requests.filter({ verb: 'get', resource: 'namespaces', name: 'default' }).length).toBeGreaterThan(0);
    }
  });

  it('writes a kubeconfig with one context per virtual cluster', async () => {
    const sandbox = await start({ seeds: ['seed-eu', 'seed-us'] });
    const parsed = parse(sandbox.kubeconfigYaml) as { contexts: { name: string }[]; 'current-context': string };
    expect(parsed.contexts.map((c) => c.name)).toEqual(['master', 'seed-eu', 'seed-us']);
    expect(parsed['current-context']).toBe('master');
    expect(sandbox.kubeconfig.clusters.map((c) => c.cluster.server)).toEqual([...sandbox.clusters.values()].map((c) => c.url));
    for (const c of sandbox.clusters.values()) expect(c.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('refuses seed names that cannot be contexts or Secrets', async () => {
    await expect(startSandbox({ seeds: ['master'] })).rejects.toThrow(/invalid seed name "master"/);
    await expect(startSandbox({ seeds: ['Seed_EU'] })).rejects.toThrow(/invalid seed name/);
  });

  it('restores the clusters from the state file after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kkp-sandbox-'));
    dirs.push(dir);
    const stateFile = join(dir, 'state.json');
    const first = await startSandbox({ seeds: ['seed-eu'], stateFile });
    const masterApi = first.clusters.get('master')!.api;
    const projects = masterApi.typeOf('kubermatic.k8c.io/v1', 'Project')!;
    masterApi.apply(projects, undefined, 'kept', { apiVersion: 'kubermatic.k8c.io/v1', kind: 'Project', metadata: { name: 'kept' }, spec: { name: 'Kept' } }, { fieldManager: 'test' });
    const rv = masterApi.store.resourceVersion;
    await first.stop();

    const second = await start({ seeds: ['seed-eu'], stateFile });
    const again = second.clusters.get('master')!.api;
    const kept = again.find(again.typeOf('kubermatic.k8c.io/v1', 'Project')!, undefined, 'kept');
    expect(kept?.['spec']).toEqual({ name: 'Kept' });
    expect(kept?.metadata.managedFields?.[0]?.manager).toBe('test');
    expect(again.store.resourceVersion).toBeGreaterThanOrEqual(rv);
  });
});
