import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeconfigSecretMissingError } from '../../src/core/apply/cluster-client.js';
import { ClusterUnreachableError } from '../../src/core/errors.js';
import { kindInfo } from '../../src/core/kinds.js';
import { createKubeConnector } from '../../src/kube/kube-connector.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/start-sandbox.js';

let sandbox: Sandbox;
let scratch: string;
beforeEach(async () => {
  sandbox = await startSandbox({ seeds: ['seed-eu', 'seed-us'] });
  scratch = mkdtempSync(join(tmpdir(), 'kkp-gitops-connector-'));
});
afterEach(async () => {
  await sandbox.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const CLUSTER = kindInfo('kubermatic.k8c.io/v1', 'Cluster')!;
const REF = (name: string, namespace = 'kubermatic', fieldPath = 'kubeconfig') => ({ name, namespace, fieldPath });

function putSecret(namespace: string, name: string, data: Record<string, string>): void {
  const master = sandbox.clusters.get('master')!.api;
  if (!master.find(master.typeOf('v1', 'Namespace')!, undefined, namespace)) {
    master.apply(master.typeOf('v1', 'Namespace')!, undefined, namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }, { fieldManager: 'test' });
  }
  const encoded = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  master.apply(master.typeOf('v1', 'Secret')!, namespace, name, { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, data: encoded }, { fieldManager: 'test', force: true });
}

function seedKubeconfigText(seed: string): string {
  return Buffer.from((sandbox.clusters.get('master')!.api.find(sandbox.clusters.get('master')!.api.typeOf('v1', 'Secret')!, 'kubermatic', `kubeconfig-${seed}`) as unknown as { data: { kubeconfig: string } }).data.kubeconfig, 'base64').toString('utf8');
}

describe('createKubeConnector', () => {
  it('reaches a seed through the Secret its Seed references, in any namespace and under any key', async () => {
    putSecret('seed-secrets', 'eu-access', { config: seedKubeconfigText('seed-eu') });
    const connector = createKubeConnector({ kubeconfig: sandbox.kubeconfig, context: 'master' });
    try {
      const seed = await connector.seed('seed-eu', REF('eu-access', 'seed-secrets', 'config'));
      expect(await seed.list(CLUSTER)).toEqual([]);
      expect(sandbox.clusters.get('seed-eu')!.requests.filter({ verb: 'list' })).toHaveLength(1);
    } finally {
      await connector.close?.();
    }
  });

  it('lists the Secrets of a namespace once for every seed that needs one', async () => {
    const connector = createKubeConnector({ kubeconfig: sandbox.kubeconfig });
    try {
      await Promise.all([connector.seed('seed-eu', REF('kubeconfig-seed-eu')), connector.seed('seed-us', REF('kubeconfig-seed-us'))]);
      // One discovery of v1 (client-node's KubernetesObjectApi) and one list, shared by both seeds.
      expect(sandbox.clusters.get('master')!.requests.entries.map((r) => `${r.verb} ${r.resource}`.trim())).toEqual(['nonresource', 'list secrets']);
    } finally {
      await connector.close?.();
    }
  });

  it('reports a missing Secret, or a Secret without the key, as a missing kubeconfig Secret', async () => {
    putSecret('kubermatic', 'no-key', { other: 'x' });
    const connector = createKubeConnector({ kubeconfig: sandbox.kubeconfig });
    try {
      await expect(connector.seed('seed-eu', REF('absent'))).rejects.toBeInstanceOf(KubeconfigSecretMissingError);
      await expect(connector.seed('seed-eu', REF('no-key'))).rejects.toThrow("has no key 'kubeconfig'");
    } finally {
      await connector.close?.();
    }
  });

  it('refuses a seed kubeconfig with a credential helper without running it', async () => {
    const marker = join(scratch, 'ran');
    const helper = seedKubeconfigText('seed-eu').replace(/user: \{\}/, `user:\n      exec:\n        apiVersion: client.authentication.k8s.io/v1\n        command: touch\n        args: ["${marker}"]`);
    expect(helper).toContain('exec:');
    putSecret('kubermatic', 'with-helper', { kubeconfig: helper });
    const connector = createKubeConnector({ kubeconfig: sandbox.kubeconfig });
    try {
      await expect(connector.seed('seed-eu', REF('with-helper'))).rejects.toThrow('credential helper');
      expect(existsSync(marker)).toBe(false);
    } finally {
      await connector.close?.();
    }
  });

  it.each([
    ['token-file', (k: string, file: string) => k.replace(/user: \{\}/, `user:\n      token-file: ${file}`)],
    ['client-certificate', (k: string, file: string) => k.replace(/user: \{\}/, `user:\n      client-certificate: ${file}`)],
    ['client-key', (k: string, file: string) => k.replace(/user: \{\}/, `user:\n      client-key: ${file}`)],
    ['certificate-authority', (k: string, file: string) => k.replace(/server: /, `certificate-authority: ${file}\n      server: `)],
    ['auth-provider', (k: string, file: string) => k.replace(/user: \{\}/, `user:\n      auth-provider:\n        name: tokenFile\n        config: {tokenFile: ${file}}`)],
  ])('refuses a seed kubeconfig naming a local file or plugin (%s) before reading it, and sends nothing', async (key, edit) => {
    const requests: string[] = [];
    const listener = createServer((req, res) => {
      requests.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      res.end('{}');
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as AddressInfo).port;
    const tokenFile = join(scratch, 'token');
    writeFileSync(tokenFile, 'POD-SERVICEACCOUNT-TOKEN');
    const pointed = seedKubeconfigText('seed-eu').replace(/server: .*/, `server: http://127.0.0.1:${port}`);
    const connector = createKubeConnector({ kubeconfig: sandbox.kubeconfig });
    try {
      for (const file of [tokenFile, join(scratch, 'absent')]) {
        const text = edit(pointed, file);
        expect(text, key).toContain(`${key}:`);
        putSecret('kubermatic', 'attacker', { kubeconfig: text });
        const error = await connector.seed('seed-eu', REF('attacker')).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ClusterUnreachableError);
        // Refused by name before the client library parses it (it would read token-file, and fail on a missing one).
        expect((error as Error).message).toMatch(key === 'auth-provider' ? /uses a credential helper \(auth-provider\)/ : new RegExp(`names a local file \\(${key}\\)`));
        expect((error as Error).message).not.toContain(file);
      }
      expect(requests).toEqual([]);
    } finally {
      await connector.close?.();
      await new Promise((resolve) => listener.close(resolve));
    }
  });

  it('never quotes the Secret in its errors', async () => {
    putSecret('kubermatic', 'garbage', { kubeconfig: 'token: TOPSECRET-123\n  : : [' });
    const connector = createKubeConnector({ kubeconfig: sandbox.kubeconfig });
    try {
      const error = await connector.seed('seed-eu', REF('garbage')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ClusterUnreachableError);
      expect(String((error as Error).message)).not.toContain('TOPSECRET');
      expect(String((error as Error).cause ?? '')).not.toContain('TOPSECRET');
    } finally {
      await connector.close?.();
    }
  });
});
