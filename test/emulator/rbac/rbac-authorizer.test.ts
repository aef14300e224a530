import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startSandbox, type Sandbox } from '../../../src/sandbox/start-sandbox.js';
import { deployRbacObjects } from '../../support/deploy-rbac.js';
import { KubectlRunner } from '../kubectl-runner.js';

const SA_USER = 'system:serviceaccount:kkp-gitops:kkp-gitops';

describe('the emulator with authorization on, and deploy/base RBAC applied with kubectl', () => {
  let sandbox: Sandbox;
  let kubectl: KubectlRunner;
  let token: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ seeds: ['seed-eu'], masterAuthorization: true });
    kubectl = new KubectlRunner(sandbox.kubeconfigYaml);
    const applied = await kubectl.run('master', ['apply', '-f', '-'], deployRbacObjects().map((o) => stringify(o)).join('---\n'));
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    token = sandbox.clusters.get('master')!.rbac!.issueServiceAccountToken('kkp-gitops', 'kkp-gitops');
  }, 60_000);

  afterAll(async () => {
    kubectl?.dispose();
    await sandbox?.stop();
  });

  // kubectl sends no bearer token over plain HTTP: it checks the ServiceAccount by impersonating it, as operators do.
  const as = (...args: string[]) => kubectl.run('master', ['--as', SA_USER, ...args]);

  it.each([
    ['list', 'seeds.kubermatic.k8c.io', ['-n', 'kubermatic'], 'yes'],
    ['patch', 'seeds.kubermatic.k8c.io', ['-n', 'kubermatic'], 'yes'],
    ['list', 'seeds.kubermatic.k8c.io', ['--all-namespaces'], 'no'],
    ['list', 'secrets', ['-n', 'kubermatic'], 'yes'],
    ['create', 'secrets', ['-n', 'kubermatic'], 'no'],
    ['get', 'secrets', ['-n', 'kkp-gitops'], 'no'],
    ['get', 'secrets', ['-n', 'kube-system'], 'no'],
    ['create', 'leases.coordination.k8s.io', ['-n', 'kubermatic'], 'yes'],
    ['create', 'leases.coordination.k8s.io', ['-n', 'default'], 'no'],
    ['delete', 'users.kubermatic.k8c.io', [], 'yes'],
    ['list', 'clusters.kubermatic.k8c.io', [], 'no'],
    ['get', 'kubermaticconfigurations.kubermatic.k8c.io', ['-n', 'kubermatic'], 'no'],
    ['list', 'configmaps', ['-n', 'kubermatic'], 'no'],
  ])('kubectl auth can-i %s %s %j: %s', async (verb, resource, scope, answer) => {
    const result = await as('auth', 'can-i', verb, resource, ...scope);
    expect(result.stdout.trim()).toBe(answer);
    expect(result.code).toBe(answer === 'yes' ? 0 : 1);
  });

  it("refuses a request outside the grants with Kubernetes' 403 Status, as kubectl shows it", async () => {
    const result = await as('get', 'configmaps', '-n', 'kubermatic');
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`Error from server (Forbidden): configmaps is forbidden: User "${SA_USER}" cannot list resource "configmaps" in API group "" in the namespace "kubermatic"`);
    const seeds = await as('get', 'seeds.kubermatic.k8c.io', '-A');
    expect(seeds.stderr.trim()).toBe(`Error from server (Forbidden): seeds.kubermatic.k8c.io is forbidden: User "${SA_USER}" cannot list resource "seeds" in API group "kubermatic.k8c.io" at the cluster scope`);
  });

  it('answers the Status body over HTTP, and 401 for a token it did not issue', async () => {
    const url = `${sandbox.clusters.get('master')!.url}/api/v1/namespaces/kube-system/secrets/anything`;
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `secrets "anything" is forbidden: User "${SA_USER}" cannot get resource "secrets" in API group "" in the namespace "kube-system"`,
      reason: 'Forbidden',
      details: { name: 'anything', kind: 'secrets' },
      code: 403,
    });
    const unknown = await fetch(url, { headers: { authorization: 'Bearer made-up' } });
    expect(unknown.status).toBe(401);
    expect(((await unknown.json()) as { reason: string }).reason).toBe('Unauthorized');
  });

  it('lets the ServiceAccount read discovery and /version, as the bootstrap policy does', async () => {
    const result = await as('get', 'seeds.kubermatic.k8c.io', '-n', 'kubermatic');
    expect(result.code).toBe(0);
    expect(result.stderr.trim()).toBe('No resources found in kubermatic namespace.');
  });
});
