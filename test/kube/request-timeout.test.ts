/**
 * A Kubernetes API server that accepts connections and never answers: `kkp-gitops plan` (the real CLI process)
 * gives up after the request timeout, says the target is unreachable and why, and exits 2.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../support/bot-process.js';

const ROOT = join(import.meta.dirname, '..', '..');
const REPO = join(ROOT, 'test', 'fixtures', 'plan', 'create-everything', 'repo');

let silent: Server;
const sockets = new Set<Socket>();
let dir: string;
let kubeconfig: string;

beforeAll(async () => {
  await ensureBuilt();
  silent = createServer((socket) => {
    // Accepted, read, never answered.
    sockets.add(socket);
    socket.on('data', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const { port } = silent.address() as { port: number };
  dir = mkdtempSync(join(tmpdir(), 'kkp-silent-'));
  cpSync(REPO, join(dir, 'repo'), { recursive: true });
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: silent, cluster: {server: "http://127.0.0.1:' + port + '"}}]',
      'users: [{name: someone, user: {token: not-a-secret}}]',
      'contexts: [{name: master, context: {cluster: silent, user: someone}}]',
      'current-context: master',
    ].join('\n'),
  );
}, 180_000);

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'bin', 'kkp-gitops.js'), ...args], { env: { PATH: process.env['PATH'] ?? '', HOME: dir, ...env }, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr, ms: Date.now() - started });
    });
  });
}

describe('Kubernetes request timeouts', () => {
  it('ends `plan` against a server that never answers within the timeout, with exit 2 and "unreachable (timed out after 2 s)"', async () => {
    const result = await cli(['plan', join(dir, 'repo'), '--kubeconfig', kubeconfig, '--context', 'master'], { KKP_GITOPS_KUBE_TIMEOUT_SECONDS: '2' });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(2);
    expect(`${result.stdout}${result.stderr}`).toContain('unreachable (timed out after 2 s)');
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/\n\s+at /);
    // Two seconds per request, plus the process's start: far from the minutes a hung request would take.
    expect(result.ms).toBeLessThan(30_000);
  }, 150_000);

  it('refuses a timeout that is not a whole number of seconds', async () => {
    const result = await cli(['plan', join(dir, 'repo'), '--kubeconfig', kubeconfig, '--context', 'master'], { KKP_GITOPS_KUBE_TIMEOUT_SECONDS: 'soon' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('KKP_GITOPS_KUBE_TIMEOUT_SECONDS must be a whole number of seconds');
  }, 150_000);
});
