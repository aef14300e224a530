import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';
import { startCliLandscape, type CliLandscape } from './support/cli-landscape.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { faultInGit } from '../support/health-fault-in-git.js';

let landscape: CliLandscape;
let sandbox: Sandbox;
let dir: string;
let kubeconfig: string;

beforeEach(async () => {
  // The sandbox's KKP controllers write the status KKP would, after a short delay.
  landscape = await startCliLandscape({ kkpControllers: { delayMs: 200 } });
  ({ sandbox, dir, kubeconfig } = landscape);
});
afterEach(() => landscape.stop());

const target = () => ['--kubeconfig', kubeconfig, '--context', 'master'];
const repo = () => join(dir, 'repo');
const EU_CLUSTER_FILE = () => join(repo(), 'projects', 'shop', 'clusters', 'shop-eu.yaml');

function rollout(yaml: string): void {
  const file = join(repo(), 'kkp-gitops.yaml');
  writeFileSync(file, `${readFileSync(file, 'utf8').trimEnd()}\n  rollout:\n${yaml.replace(/^/gm, '    ')}\n`);
}

describe('kkp-gitops apply --wait', () => {
  it('exits 1 once every target is healthy and shows the waves and health counts on stderr', async () => {
    const { code, stderr, stdout } = await runCli('apply', repo(), ...target(), '--wait');
    expect(code).toBe(1);
    expect(stdout).toContain('Apply for acme/kkp-config: 10 created');
    expect(stderr).toContain('wave 1: master');
    expect(stderr).toContain('wave 2: seed-eu, seed-us');
    expect(stderr).toMatch(/seed-eu: 2\/2 healthy/);
    expect(stderr).toMatch(/master: \d+\/\d+ healthy/);
    expect(stderr).not.toContain('not healthy');
  });

  it('exits 2 when a cluster stays down, naming the component, and leaves the later wave unapplied', async () => {
    rollout('timeoutSeconds: 2\nwaves:\n  - [seed-eu]\n  - [seed-us]');
    faultInGit(EU_CLUSTER_FILE(), 'down=apiserver');
    const { code, stderr } = await runCli('apply', repo(), ...target(), '--wait');
    expect(code).toBe(2);
    expect(stderr).toMatch(/seed-eu: 1\/2 healthy, waiting for Cluster\/shop-eu \([^)]*apiserver HealthStatusDown/);
    expect(stderr).toContain('seed-eu: not healthy after 2 s');
    expect(stderr).toMatch(/seed-eu: Cluster\/shop-eu: .*apiserver HealthStatusDown/);
    expect(stderr).toContain('rollout stopped at wave 2 (seed-eu is not healthy): seed-us not applied');
    const us = sandbox.clusters.get('seed-us')!.api;
    expect(us.list(us.typeOf('kubermatic.k8c.io/v1', 'Cluster')!, undefined).entries).toHaveLength(0);
  });

  it('plan flags an update to a cluster KKP reports unhealthy now', async () => {
    faultInGit(EU_CLUSTER_FILE(), 'down=etcd');
    expect((await runCli('apply', repo(), ...target())).code).toBe(1);
    const file = EU_CLUSTER_FILE();
    writeFileSync(file, readFileSync(file, 'utf8').replace('Shop (EU)', 'Shop (Europe)'));
    const seed = sandbox.clusters.get('seed-eu')!.api;
    const etcdDown = () => (seed.find(seed.typeOf('kubermatic.k8c.io/v1', 'Cluster')!, undefined, 'shop-eu')?.['status'] as { extendedHealth?: { etcd?: string } } | undefined)?.extendedHealth?.etcd === 'HealthStatusDown';
    await expect.poll(etcdDown, { timeout: 30_000 }).toBe(true);
    const text = await runCli('plan', repo(), ...target());
    expect(text.stdout).toMatch(/UPDATES TO OBJECTS KKP REPORTS UNHEALTHY NOW:\n  seed-eu: Cluster\/shop-eu: .*etcd HealthStatusDown/);
    const markdown = await runCli('plan', repo(), ...target(), '--format', 'markdown');
    expect(markdown.stdout).toContain('**Updates to objects KKP reports unhealthy now (1)**');
    expect(markdown.stdout).toMatch(/`seed-eu`: `Cluster\/shop-eu`: .*etcd HealthStatusDown/);
  });

  it('without --wait does not wait: exit 1 even while KKP reports nothing healthy yet', async () => {
    faultInGit(EU_CLUSTER_FILE(), 'never-running');
    const { code, stderr } = await runCli('apply', repo(), ...target());
    expect(code).toBe(1);
    expect(stderr).not.toContain('healthy');
  });
});
