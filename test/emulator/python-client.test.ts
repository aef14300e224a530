/**
 * Proof of fidelity: the official Python Kubernetes client (Debian's python3-kubernetes) against the sandbox.
 * Its query parameters are Python booleans (`watch=True`, `force=True`): the apiserver reads them as true.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatedCluster } from '../../src/emulator/start-emulator.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/start-sandbox.js';
import { tokenKubeconfig } from '../support/deploy-rbac.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, 'python', 'watch-and-force-apply.py');

function pythonClientInstalled(): boolean {
  if (!existsSync(PYTHON)) return false;
  return existsSync('/usr/lib/python3/dist-packages/kubernetes');
}

const installed = pythonClientInstalled();
if (!installed) console.warn('python-client tests skipped: install python3-kubernetes (apt-get install -y python3-kubernetes) to run them');

function run(kubeconfig: string, script = SCRIPT): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(PYTHON, [script, kubeconfig], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? 1 : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

describe.skipIf(!installed)('the official Python client against the sandbox', () => {
  let sandbox: Sandbox;
  let dir: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ seeds: [] });
    dir = mkdtempSync(join(tmpdir(), 'kkp-python-'));
    writeFileSync(join(dir, 'kubeconfig'), sandbox.kubeconfigYaml);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await sandbox.stop();
  });

  it('streams watch events with watch=True and takes over a field with a forced apply (force=True) after a conflict', async () => {
    const result = await run(join(dir, 'kubeconfig'));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const steps = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(steps).toEqual([
      { step: 'apply-without-force', status: 409, reason: 'Conflict' },
      { step: 'apply-with-force', spec: 'forced', managers: ['python-b'] },
      { step: 'watch', events: [['MODIFIED', 'py-watched', 'forced']] },
    ]);
  });
});

describe.skipIf(!installed)('the official Python client watching the emulator from an expired version', () => {
  let cluster: EmulatedCluster;
  let dir: string;

  beforeAll(async () => {
    // A short watch history: a few writes make the version read before them too old to resume from.
    cluster = await startEmulator({ watchHistory: 3 });
    dir = mkdtempSync(join(tmpdir(), 'kkp-python-expired-'));
    writeFileSync(join(dir, 'kubeconfig'), tokenKubeconfig(cluster.url, 'not-a-secret'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await cluster.stop();
  });

  it('gets 410 Gone, as from a real apiserver, so that it lists again', async () => {
    const result = await run(join(dir, 'kubeconfig'), join(import.meta.dirname, 'python', 'watch-expired.py'));
    expect(result.stderr).toBe('');
    expect(result.stdout.trim().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual([{ step: 'watch-expired', status: 410 }]);
  });
});
