/**
 * What the command-line tests run against: a sandbox (master, seed-eu, seed-us), a copy of the create-everything
 * fixture repository in a temporary folder (`<dir>/repo`, so tests can edit it) and the sandbox's kubeconfig in a file.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../src/sandbox/start-sandbox.js';

const BASE_REPO = join(import.meta.dirname, '..', '..', 'fixtures', 'plan', 'create-everything', 'repo');

export interface CliLandscape {
  readonly sandbox: Sandbox;
  readonly dir: string;
  readonly kubeconfig: string;
  stop(): Promise<void>;
}

export async function startCliLandscape(options: Pick<SandboxOptions, 'kkpControllers'> = {}): Promise<CliLandscape> {
  const sandbox = await startSandbox({ seeds: ['seed-eu', 'seed-us'], ...options });
  const dir = mkdtempSync(join(tmpdir(), 'kkp-gitops-cli-'));
  cpSync(BASE_REPO, join(dir, 'repo'), { recursive: true });
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, sandbox.kubeconfigYaml);
  return {
    sandbox,
    dir,
    kubeconfig,
    async stop() {
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
