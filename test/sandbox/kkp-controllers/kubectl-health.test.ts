/** The controllers' status as a real client sees it: kubectl's watch, `kubectl wait` and `kubectl annotate`. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { HEALTH_FAULT_ANNOTATION } from '../../../src/sandbox/kkp-controllers/health-fault.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/start-sandbox.js';
import { eventually, KubectlRunner } from '../../emulator/kubectl-runner.js';

const SEED = {
  apiVersion: 'kubermatic.k8c.io/v1',
  kind: 'Seed',
  metadata: { name: 'seed-eu', namespace: 'kubermatic' },
  spec: { kubeconfig: { name: 'kubeconfig-seed-eu', namespace: 'kubermatic' }, datacenters: { 'aws-eu-central-1': { spec: { aws: { region: 'eu-central-1' } } } } },
};
const CLUSTER = {
  apiVersion: 'kubermatic.k8c.io/v1',
  kind: 'Cluster',
  metadata: { name: 'prod-1', labels: { 'project-id': 'p1' } },
  spec: { humanReadableName: 'prod-1', version: '1.35.7', cloud: { dc: 'aws-eu-central-1', aws: { credentialsReference: { name: 'c', namespace: 'kubermatic' } } } },
};

describe('the sandbox KKP controllers seen through kubectl', () => {
  let sandbox: Sandbox;
  let kubectl: KubectlRunner;
  beforeAll(async () => {
    sandbox = await startSandbox({ seeds: ['seed-eu'], kkpControllers: { delayMs: 500 } });
    kubectl = new KubectlRunner(sandbox.kubeconfigYaml);
    const seed = await kubectl.run('master', ['apply', '--server-side', '-f', '-'], stringify(SEED));
    expect(seed.stderr).toBe('');
  });
  afterAll(async () => {
    await sandbox.stop();
    kubectl.dispose();
  });

  it('shows a watch the Cluster going from Creating to Running', async () => {
    const watch = kubectl.start('seed-eu', ['get', 'clusters', '--watch', '--output-watch-events', '-o', 'jsonpath={.type} {.object.metadata.name} {.object.status.phase}{"\\n"}']);
    try {
      // kubectl lists, then watches from the list's resourceVersion: once the list is answered, no event is missed.
      await eventually(() => sandbox.clusters.get('seed-eu')!.requests.filter({ verb: 'list', resource: 'clusters.kubermatic.k8c.io' }).length > 0, 'kubectl to list');
      const created = await kubectl.run('seed-eu', ['apply', '--server-side', '-f', '-'], stringify(CLUSTER));
      expect(created.code, created.stderr).toBe(0);
      await eventually(() => watch.output().includes('MODIFIED prod-1 Running'), 'the watch to see Running', 20_000);
      const lines = watch.output().trim().split('\n');
      expect(lines.indexOf('MODIFIED prod-1 Creating')).toBeGreaterThanOrEqual(0);
      expect(lines.indexOf('MODIFIED prod-1 Creating')).toBeLessThan(lines.indexOf('MODIFIED prod-1 Running'));
    } finally {
      watch.child.kill();
      await watch.exited;
    }
  });

  it('holds a component Down while kubectl annotate sets the fault, and recovers when it removes it', async () => {
    const running = await kubectl.run('seed-eu', ['wait', '--for=jsonpath={.status.phase}=Running', 'cluster/prod-1', '--timeout=20s']);
    expect(running.code, running.stderr).toBe(0);
    const annotate = await kubectl.run('seed-eu', ['annotate', 'cluster', 'prod-1', `${HEALTH_FAULT_ANNOTATION}=down=etcd`]);
    expect(annotate.code, annotate.stderr).toBe(0);
    const down = await kubectl.run('seed-eu', ['wait', '--for=jsonpath={.status.extendedHealth.etcd}=HealthStatusDown', 'cluster/prod-1', '--timeout=20s']);
    expect(down.code, down.stderr).toBe(0);
    const remove = await kubectl.run('seed-eu', ['annotate', 'cluster', 'prod-1', `${HEALTH_FAULT_ANNOTATION}-`]);
    expect(remove.code, remove.stderr).toBe(0);
    const up = await kubectl.run('seed-eu', ['wait', '--for=jsonpath={.status.extendedHealth.etcd}=HealthStatusUp', 'cluster/prod-1', '--timeout=20s']);
    expect(up.code, up.stderr).toBe(0);
  });

  it('marks the Seed Unhealthy under the annotation', async () => {
    const annotate = await kubectl.run('master', ['annotate', '-n', 'kubermatic', 'seed', 'seed-eu', `${HEALTH_FAULT_ANNOTATION}=unhealthy`]);
    expect(annotate.code, annotate.stderr).toBe(0);
    const unhealthy = await kubectl.run('master', ['wait', '-n', 'kubermatic', '--for=jsonpath={.status.phase}=Unhealthy', 'seed/seed-eu', '--timeout=20s']);
    expect(unhealthy.code, unhealthy.stderr).toBe(0);
    const reason = await kubectl.run('master', ['get', '-n', 'kubermatic', 'seed', 'seed-eu', '-o', 'jsonpath={.status.conditions.ResourcesReconciled.status} {.status.conditions.ResourcesReconciled.reason}']);
    expect(reason.stdout).toBe('False ReconcilingError');
  });
});
