/**
 * `kkp-gitops sandbox fault` against a sandbox running as its own process: the CLI switches a seed's faults over
 * the admin endpoint, kubectl sees them; the process's KKP controllers turn a Cluster Running.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { eventually, KubectlRunner } from '../emulator/kubectl-runner.js';
import { ensureBuilt } from '../support/bot-process.js';
import { runCli } from './support/run-cli.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('kkp-gitops sandbox fault', () => {
  let dir: string;
  let kubeconfig: string;
  let sandbox: ChildProcess;
  let output = '';
  let kubectl: KubectlRunner;

  beforeAll(async () => {
    await ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'kkp-sandbox-fault-'));
    kubeconfig = join(dir, 'kubeconfig');
    sandbox = spawn(process.execPath, [join(ROOT, 'bin/kkp-gitops.js'), 'sandbox', '--seeds', 'seed-eu', '--kkp-controllers', '--controller-delay-ms', '300', '--kubeconfig-out', kubeconfig], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    sandbox.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    sandbox.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    await eventually(() => output.includes('Press Ctrl-C to stop.'), 'the sandbox to start', 60_000);
    kubectl = new KubectlRunner(readFileSync(kubeconfig, 'utf8'));
  }, 180_000);
  afterAll(async () => {
    if (sandbox && sandbox.exitCode === null) {
      const exited = new Promise((resolve) => sandbox.once('exit', resolve));
      sandbox.kill('SIGTERM');
      await exited;
    }
    kubectl?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("turns a Cluster Running in the sandbox process (its KKP controllers), seen by kubectl wait", async () => {
    const seed = { apiVersion: 'kubermatic.k8c.io/v1', kind: 'Seed', metadata: { name: 'seed-eu', namespace: 'kubermatic' }, spec: { kubeconfig: { name: 'kubeconfig-seed-eu', namespace: 'kubermatic' }, datacenters: { 'aws-eu-central-1': { spec: { aws: { region: 'eu-central-1' } } } } } };
    const cluster = { apiVersion: 'kubermatic.k8c.io/v1', kind: 'Cluster', metadata: { name: 'prod-1', labels: { 'project-id': 'p1' } }, spec: { humanReadableName: 'prod-1', version: '1.35.7', cloud: { dc: 'aws-eu-central-1', aws: { credentialsReference: { name: 'c', namespace: 'kubermatic' } } } } };
    expect((await kubectl.run('master', ['apply', '--server-side', '-f', '-'], stringify(seed))).code).toBe(0);
    expect((await kubectl.run('seed-eu', ['apply', '--server-side', '-f', '-'], stringify(cluster))).code).toBe(0);
    const running = await kubectl.run('seed-eu', ['wait', '--for=jsonpath={.status.phase}=Running', 'cluster/prod-1', '--timeout=30s']);
    expect(running.code, running.stderr).toBe(0);
    const healthy = await kubectl.run('master', ['wait', '-n', 'kubermatic', '--for=jsonpath={.status.phase}=Healthy', 'seed/seed-eu', '--timeout=30s']);
    expect(healthy.code, healthy.stderr).toBe(0);
  });

  it('refuses connections to a seed until --accept, and fails its requests with --failure-rate until --clear', async () => {
    const refuse = await runCli('sandbox', 'fault', 'seed-eu', '--refuse', '--kubeconfig', kubeconfig);
    expect(refuse).toMatchObject({ code: 0, stdout: 'seed-eu: refusing connections, latency 0 ms, no failures\n' });
    const refused = await kubectl.run('seed-eu', ['get', 'clusters', '--request-timeout=5s']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/connection to the server 127\.0\.0\.1:\d+ was refused/);
    expect((await kubectl.run('master', ['get', 'seeds', '-n', 'kubermatic'])).code).toBe(0);

    expect((await runCli('sandbox', 'fault', 'seed-eu', '--accept', '--kubeconfig', kubeconfig)).code).toBe(0);
    expect((await kubectl.run('seed-eu', ['get', 'clusters'])).code).toBe(0);

    const failing = await runCli('sandbox', 'fault', 'seed-eu', '--failure-rate', '1', '--status', '500', '--kubeconfig', kubeconfig);
    expect(failing.stdout).toBe('seed-eu: accepting connections, latency 0 ms, failing 1 of requests with 500\n');
    const failed = await kubectl.run('seed-eu', ['get', 'clusters']);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain('injected fault');

    const cleared = await runCli('sandbox', 'fault', 'seed-eu', '--clear', '--kubeconfig', kubeconfig);
    expect(cleared.stdout).toBe('seed-eu: accepting connections, latency 0 ms, no failures\n');
    expect((await kubectl.run('seed-eu', ['get', 'clusters'])).code).toBe(0);
  });

  it('finds the sandbox through $KUBECONFIG and refuses a kubeconfig that names no sandbox, or an unknown target', async () => {
    vi.stubEnv('KUBECONFIG', `${join(dir, 'missing')}${delimiter}${kubeconfig}`);
    try {
      const found = await runCli('sandbox', 'fault', 'seed-eu');
      expect(found.code, found.stderr).toBe(0);
      expect(found.stdout).toMatch(/^seed-eu: (accepting|refusing) connections, latency \d+ ms, /);
    } finally {
      vi.unstubAllEnvs();
    }
    const other = await runCli('sandbox', 'fault', 'seed-eu', '--refuse', '--kubeconfig', join(ROOT, 'package.json'));
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('is not the kubeconfig of a running kkp-gitops sandbox');
    const unknown = await runCli('sandbox', 'fault', 'seed-xx', '--kubeconfig', kubeconfig);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('HTTP 404: no such target; targets: master, seed-eu');
  });

  it('refuses a controller delay that is not a number of milliseconds, before starting anything', async () => {
    const result = await runCli('sandbox', '--kkp-controllers', '--controller-delay-ms', 'soon', '--kubeconfig-out', join(dir, 'unused'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--controller-delay-ms must be a number of milliseconds from 0 to 3600000, not "soon"');
  });
});
