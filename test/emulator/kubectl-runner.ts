/** Runs the real kubectl against a sandbox (asynchronously: the emulator answers from this same process). */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class KubectlRunner {
  private readonly dir = mkdtempSync(join(tmpdir(), 'kkp-kubectl-'));
  readonly kubeconfigPath = join(this.dir, 'kubeconfig');

  constructor(kubeconfigYaml: string) {
    writeFileSync(this.kubeconfigPath, kubeconfigYaml);
  }

  private args(context: string, args: readonly string[]): string[] {
    return ['--kubeconfig', this.kubeconfigPath, '--cache-dir', join(this.dir, 'cache'), '--context', context, ...args];
  }

  run(context: string, args: readonly string[], stdin?: string): Promise<KubectlResult> {
    return new Promise((resolve) => {
      const child = execFile(KUBECTL, this.args(context, args), { timeout: 20_000 }, (error, stdout, stderr) => {
        const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      });
      if (stdin !== undefined) child.stdin?.end(stdin);
      else child.stdin?.end();
    });
  }

  /** Starts a long-running kubectl (`get -w`, `delete --wait`) and collects its output. */
  start(context: string, args: readonly string[]): { child: ChildProcess; output: () => string; exited: Promise<number> } {
    const child = spawn(KUBECTL, this.args(context, args), { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
    return { child, output: () => output, exited };
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Waits until `condition` holds, checking every 20 ms (fails after `timeoutMs`). */
export async function eventually<T>(condition: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
