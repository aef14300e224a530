/**
 * Proof of fidelity with the real kubectl: KKP v2.31's Cluster CRD (read from ../shared/kkp when present)
 * served by the emulator, explained from its OpenAPI v3, with kubectl's field validation (strict by default,
 * warn on request: the Warning header kubectl prints) and server-side dry-runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { KubeObject } from '../../src/emulator/kube-object.js';
import { CRDS } from '../../src/emulator/resource-type.js';
import { startEmulator, type EmulatedCluster } from '../../src/emulator/start-emulator.js';
import { KUBECTL, KubectlRunner } from './kubectl-runner.js';

const CRD_FILE = '/work/shared/kkp/releases/v2.31.0/crds/kubermatic.k8c.io_clusters.yaml';

const cluster = (aws: Record<string, unknown>): string =>
  JSON.stringify({
    apiVersion: 'kubermatic.k8c.io/v1',
    kind: 'Cluster',
    metadata: { name: 'shop-prod-eu' },
    spec: {
      humanReadableName: 'Shop',
      exposeStrategy: 'NodePort',
      version: '1.33.5',
      cloud: { dc: 'aws-eu', providerName: 'aws', aws: { instanceProfileName: 'p', securityGroupID: 'sg', routeTableID: 'rt', roleARN: 'arn', vpcID: 'vpc-1', ...aws } },
      clusterNetwork: { pods: { cidrBlocks: ['172.25.0.0/16'] }, services: { cidrBlocks: ['10.240.16.0/20'] }, dnsDomain: 'cluster.local', proxyMode: 'ipvs' },
      componentsOverride: { apiserver: {}, controllerManager: {}, etcd: {}, scheduler: {} },
    },
  });

describe.skipIf(!existsSync(KUBECTL) || !existsSync(CRD_FILE))("kubectl against KKP's released Cluster CRD", () => {
  let emulator: EmulatedCluster;
  let kubectl: KubectlRunner;
  const run = (args: string[], stdin?: string) => kubectl.run('emulated', args, stdin);

  beforeAll(async () => {
    emulator = await startEmulator({ name: 'emulated' });
    emulator.api.create(CRDS, undefined, parse(readFileSync(CRD_FILE, 'utf8')) as KubeObject, { fieldManager: 'test' });
    kubectl = new KubectlRunner(
      `apiVersion: v1\nkind: Config\nclusters: [{name: emulated, cluster: {server: "${emulator.url}"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: emulated, context: {cluster: emulated, user: u}}]\ncurrent-context: emulated\n`,
    );
  });
  afterAll(async () => {
    kubectl.dispose();
    await emulator.stop();
  });

  it('explains cluster.spec.cloud.aws from the served OpenAPI v3 schema', async () => {
    const explained = await run(['explain', 'cluster.spec.cloud.aws']);
    expect(explained.stderr).toBe('');
    expect(explained.stdout).toMatch(/^FIELD: aws <Object>$/m);
    expect(explained.stdout).toMatch(/^ {2}vpcID\t<string> -required-$/m);
    expect(explained.stdout).toMatch(/^ {2}roleARN\t<string> -required-$/m);
    expect(explained.stdout).not.toMatch(/vpcId/);
  });

  it('refuses an unknown field under kubectl\'s default strict validation and warns with --validate=warn', async () => {
    const strict = await run(['create', '--dry-run=server', '-f', '-'], cluster({ vpcId: 'vpc-2' }));
    expect(strict.code).not.toBe(0);
    expect(strict.stderr).toContain('strict decoding error: unknown field "spec.cloud.aws.vpcId"');
    const warned = await run(['create', '--dry-run=server', '--validate=warn', '-o', 'jsonpath={.spec.clusterNetwork.konnectivityEnabled}', '-f', '-'], cluster({ vpcId: 'vpc-2' }));
    expect(warned.code).toBe(0);
    expect(warned.stderr).toContain('Warning: unknown field "spec.cloud.aws.vpcId"');
    // The CRD's default, applied by the server.
    expect(warned.stdout).toBe('true');
    expect(emulator.api.find(emulator.api.typeOf('kubermatic.k8c.io/v1', 'Cluster')!, undefined, 'shop-prod-eu')).toBeUndefined();
  });

  it('reports a field the body names twice (kubectl re-encodes its input, so over plain HTTP): warned, or refused under Strict', async () => {
    const duplicated = cluster({}).replace('"humanReadableName":"Shop"', '"humanReadableName":"Shop","humanReadableName":"Shop 2"');
    const post = (validation: string) =>
      fetch(`${emulator.url}/apis/kubermatic.k8c.io/v1/clusters?dryRun=All&fieldValidation=${validation}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: duplicated });
    const warned = await post('Warn');
    expect(warned.status).toBe(201);
    expect(warned.headers.get('warning')).toBe('299 - "duplicate field \\"spec.humanReadableName\\""');
    expect(((await warned.json()) as { spec: { humanReadableName: string } }).spec.humanReadableName).toBe('Shop 2');
    const strict = await post('Strict');
    expect(strict.status).toBe(400);
    expect(((await strict.json()) as { message: string }).message).toBe('Cluster in version "v1" cannot be handled as a Cluster: strict decoding error: duplicate field "spec.humanReadableName"');
  });

  it('answers schema errors with 422 Invalid and every cause, as kubectl prints them', async () => {
    const invalid = await run(['apply', '--server-side', '--dry-run=server', '-f', '-'], cluster({ vpcID: undefined }).replace('"proxyMode":"ipvs"', '"proxyMode":"userspace"'));
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toContain('The Cluster "shop-prod-eu" is invalid');
    expect(invalid.stderr).toContain('spec.clusterNetwork.proxyMode: Unsupported value: "userspace"');
    expect(invalid.stderr).toContain('spec.cloud.aws.vpcID: Required value');
  });
});
