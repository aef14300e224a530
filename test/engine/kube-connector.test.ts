import { existsSync, mkdtempSync, rmSync } from 'node:fs';
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
