/** The sandbox's KKP controllers: the status KKP would write for Seeds, Projects and Clusters, and the fault annotation. */
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/emulator/kube-object.js';
import type { ResourceType } from '../../../src/emulator/resource-type.js';
import type { VirtualCluster } from '../../../src/emulator/virtual-cluster.js';
import { HEALTH_FAULT_ANNOTATION } from '../../../src/sandbox/kkp-controllers/health-fault.js';
import { KKP_CONTROLLERS_MANAGER } from '../../../src/sandbox/kkp-controllers/start-kkp-controllers.js';
import { waitForObject } from '../../../src/sandbox/kkp-controllers/wait-for-object.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/start-sandbox.js';

const DELAY_MS = 300;

const seed = (name: string, dc: string): KubeObject => ({
  apiVersion: 'kubermatic.k8c.io/v1',
  kind: 'Seed',
  metadata: { name, namespace: 'kubermatic' },
  spec: { kubeconfig: { name: `kubeconfig-${name}`, namespace: 'kubermatic' }, datacenters: { [dc]: { spec: { aws: { region: 'eu-central-1' } } } } },
});

const cluster = (name: string, version = '1.35.7', annotations?: Record<string, string>, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'kubermatic.k8c.io/v1',
  kind: 'Cluster',
  metadata: { name, labels: { 'project-id': 'p1' }, ...(annotations ? { annotations } : {}) },
  spec: { humanReadableName: name, version, cloud: { dc: 'aws-eu-central-1', aws: { credentialsReference: { name: 'c', namespace: 'kubermatic' } } }, ...extra },
});

type Status = { phase?: string; extendedHealth?: Record<string, string>; conditions?: Record<string, { status: string; reason?: string }>; versions?: Record<string, string>; namespaceName?: string; clusters?: number };
const statusOf = (object: KubeObject): Status => (object['status'] as Status | undefined) ?? {};
const phaseIs = (phase: string) => (object: KubeObject) => statusOf(object).phase === phase;

describe('the sandbox KKP controllers', () => {
  let sandbox: Sandbox | undefined;
  afterEach(async () => {
    await sandbox?.stop();
    sandbox = undefined;
  });

  async function start(): Promise<{ master: VirtualCluster; eu: VirtualCluster; seeds: ResourceType; clusters: ResourceType }> {
    sandbox = await startSandbox({ seeds: ['seed-eu'], kkpControllers: { delayMs: DELAY_MS } });
    const master = sandbox.clusters.get('master')!.api;
    const eu = sandbox.clusters.get('seed-eu')!.api;
    const seeds = master.typeOf('kubermatic.k8c.io/v1', 'Seed')!;
    master.apply(seeds, 'kubermatic', 'seed-eu', seed('seed-eu', 'aws-eu-central-1'), { fieldManager: 'kkp-gitops' });
    return { master, eu, seeds, clusters: eu.typeOf('kubermatic.k8c.io/v1', 'Cluster')! };
  }
  const applyCluster = (eu: VirtualCluster, clusters: ResourceType, object: KubeObject) => eu.apply(clusters, undefined, object.metadata.name ?? '', object, { fieldManager: 'kkp-gitops' });

  it('turns a Cluster from Creating to Running after the delay, with the components its spec enables Up', async () => {
    const { eu, clusters } = await start();
    const created = Date.now();
    applyCluster(eu, clusters, cluster('prod-1', '1.35.7', undefined, { clusterNetwork: { konnectivityEnabled: true }, kubelb: { enabled: true } }));
    const creating = await waitForObject(eu, clusters, undefined, 'prod-1', phaseIs('Creating'));
    expect(statusOf(creating).extendedHealth?.['apiserver']).toBe('HealthStatusProvisioning');
    const running = await waitForObject(eu, clusters, undefined, 'prod-1', phaseIs('Running'));
    expect(Date.now() - created).toBeGreaterThanOrEqual(DELAY_MS - 20);
    const status = statusOf(running);
    const health = status.extendedHealth ?? {};
    for (const component of ['apiserver', 'controller', 'scheduler', 'etcd', 'machineController', 'cloudProviderInfrastructure', 'userClusterControllerManager', 'konnectivity', 'kubelb']) {
      expect(health[component], component).toBe('HealthStatusUp');
    }
    expect(health['openvpn']).toBeUndefined();
    expect(health['gatekeeperController']).toBeUndefined();
    expect(status.versions).toEqual({ apiserver: '1.35.7', controllerManager: '1.35.7', scheduler: '1.35.7', controlPlane: '1.35.7' });
    expect(status.namespaceName).toBe('cluster-prod-1');
    expect(status.conditions?.['ClusterInitialized']?.status).toBe('True');
    expect(Object.values(status.conditions ?? {}).every((c) => c.status === 'True')).toBe(true);
    // Written through the status subresource: the spec's generation stays, the status belongs to the controllers.
    expect(running.metadata.generation).toBe(1);
    expect(running.metadata.managedFields?.some((m) => m.manager === KKP_CONTROLLERS_MANAGER && m.subresource === 'status')).toBe(true);
  });

  it('reports Updating for the delay after a version change, then Running at the new version', async () => {
    const { eu, clusters } = await start();
    // KKP upgrades only clusters with the external cloud provider to versions >= 1.29 (its default provider incompatibility).
    const external = { features: { externalCloudProvider: true } };
    applyCluster(eu, clusters, cluster('prod-1', '1.35.6', undefined, external));
    await waitForObject(eu, clusters, undefined, 'prod-1', phaseIs('Running'));
    applyCluster(eu, clusters, cluster('prod-1', '1.35.7', undefined, external));
    const updating = await waitForObject(eu, clusters, undefined, 'prod-1', phaseIs('Updating'));
    expect(statusOf(updating).versions?.['controlPlane']).toBe('1.35.6');
    expect(statusOf(updating).conditions?.['UpdateProgress']).toMatchObject({ status: 'False', reason: 'Progressing' });
    const running = await waitForObject(eu, clusters, undefined, 'prod-1', phaseIs('Running'));
    expect(statusOf(running).versions?.['controlPlane']).toBe('1.35.7');
    expect(statusOf(running).conditions?.['UpdateProgress']).toMatchObject({ status: 'True', reason: 'UpToDate' });
  });

  it('holds the annotated components Down until the annotation is removed', async () => {
    const { eu, clusters } = await start();
    applyCluster(eu, clusters, cluster('prod-1'));
    await waitForObject(eu, clusters, undefined, 'prod-1', phaseIs('Running'));
    eu.patch(clusters, undefined, 'prod-1', 'merge', { metadata: { annotations: { [HEALTH_FAULT_ANNOTATION]: 'down=etcd,kubelb' } } }, { fieldManager: 'kubectl-annotate' });
    const down = await waitForObject(eu, clusters, undefined, 'prod-1', (o) => statusOf(o).extendedHealth?.['etcd'] === 'HealthStatusDown');
    // KKP keeps an initialized cluster Running; only the component reports Down. kubelb is not enabled: not reported.
    expect(statusOf(down).phase).toBe('Running');
    expect(statusOf(down).extendedHealth?.['apiserver']).toBe('HealthStatusUp');
    expect(statusOf(down).extendedHealth?.['kubelb']).toBeUndefined();
    eu.patch(clusters, undefined, 'prod-1', 'merge', { metadata: { annotations: { [HEALTH_FAULT_ANNOTATION]: null } } }, { fieldManager: 'kubectl-annotate' });
    await waitForObject(eu, clusters, undefined, 'prod-1', (o) => statusOf(o).extendedHealth?.['etcd'] === 'HealthStatusUp');
  });

  it('keeps a new Cluster with an essential component down Creating, and never-running one Creating past the delay', async () => {
    const { eu, clusters } = await start();
    applyCluster(eu, clusters, cluster('held-down', '1.35.7', { [HEALTH_FAULT_ANNOTATION]: 'down=apiserver' }));
    applyCluster(eu, clusters, cluster('held-creating', '1.35.7', { [HEALTH_FAULT_ANNOTATION]: 'never-running' }));
    applyCluster(eu, clusters, cluster('healthy'));
    await waitForObject(eu, clusters, undefined, 'healthy', phaseIs('Running'));
    await waitForObject(eu, clusters, undefined, 'held-down', (o) => statusOf(o).extendedHealth?.['apiserver'] === 'HealthStatusDown');
    expect(statusOf(eu.find(clusters, undefined, 'held-down')!).phase).toBe('Creating');
    expect(statusOf(eu.find(clusters, undefined, 'held-creating')!).phase).toBe('Creating');
    eu.patch(clusters, undefined, 'held-creating', 'merge', { metadata: { annotations: { [HEALTH_FAULT_ANNOTATION]: null } } }, { fieldManager: 'kubectl-annotate' });
    await waitForObject(eu, clusters, undefined, 'held-creating', phaseIs('Running'));
  });

  it('reports a Seed Healthy once its kubeconfig Secret resolves, Unhealthy under the annotation, Invalid without the Secret', async () => {
    const { master, seeds, eu, clusters } = await start();
    const healthy = await waitForObject(master, seeds, 'kubermatic', 'seed-eu', phaseIs('Healthy'));
    expect(statusOf(healthy).conditions?.['KubeconfigValid']).toMatchObject({ status: 'True', reason: 'KubeconfigValid' });
    expect(statusOf(healthy).conditions?.['ResourcesReconciled']?.status).toBe('True');
    expect(statusOf(healthy).versions?.['kubermatic']).toMatch(/^v2\.31\.\d+$/);
    applyCluster(eu, clusters, cluster('prod-1'));
    await waitForObject(master, seeds, 'kubermatic', 'seed-eu', (o) => statusOf(o).clusters === 1);

    master.patch(seeds, 'kubermatic', 'seed-eu', 'merge', { metadata: { annotations: { [HEALTH_FAULT_ANNOTATION]: 'unhealthy' } } }, { fieldManager: 'kubectl-annotate' });
    const unhealthy = await waitForObject(master, seeds, 'kubermatic', 'seed-eu', phaseIs('Unhealthy'));
    expect(statusOf(unhealthy).conditions?.['ResourcesReconciled']).toMatchObject({ status: 'False', reason: 'ReconcilingError' });
    master.patch(seeds, 'kubermatic', 'seed-eu', 'merge', { metadata: { annotations: { [HEALTH_FAULT_ANNOTATION]: null } } }, { fieldManager: 'kubectl-annotate' });
    await waitForObject(master, seeds, 'kubermatic', 'seed-eu', phaseIs('Healthy'));

    master.delete(master.typeOf('v1', 'Secret')!, 'kubermatic', 'kubeconfig-seed-eu');
    const invalid = await waitForObject(master, seeds, 'kubermatic', 'seed-eu', phaseIs('Invalid'));
    expect(statusOf(invalid).conditions?.['KubeconfigValid']).toMatchObject({ status: 'False', reason: 'KubeconfigUnavailable' });
  });

  it('marks Projects Active', async () => {
    const { master } = await start();
    const projects = master.typeOf('kubermatic.k8c.io/v1', 'Project')!;
    master.apply(projects, undefined, 'p1', { apiVersion: 'kubermatic.k8c.io/v1', kind: 'Project', metadata: { name: 'p1' }, spec: { name: 'Payments' } }, { fieldManager: 'kkp-gitops' });
    await waitForObject(master, projects, undefined, 'p1', phaseIs('Active'));
  });

  it('tells about an annotation that names no component, and ignores it', async () => {
    const warnings: string[] = [];
    sandbox = await startSandbox({ seeds: ['seed-eu'], kkpControllers: { delayMs: DELAY_MS, onWarning: (m) => warnings.push(m) } });
    const master = sandbox.clusters.get('master')!.api;
    const eu = sandbox.clusters.get('seed-eu')!.api;
    master.apply(master.typeOf('kubermatic.k8c.io/v1', 'Seed')!, 'kubermatic', 'seed-eu', seed('seed-eu', 'aws-eu-central-1'), { fieldManager: 'kkp-gitops' });
    const clusters = eu.typeOf('kubermatic.k8c.io/v1', 'Cluster')!;
    applyCluster(eu, clusters, cluster('prod-1', '1.35.7', { [HEALTH_FAULT_ANNOTATION]: 'down=etdc' }));
    await waitForObject(eu, clusters, undefined, 'prod-1', phaseIs('Running'));
    expect(warnings).toEqual([`Cluster/prod-1: ${HEALTH_FAULT_ANNOTATION}: "etdc" is not an extendedHealth component (did you mean "etcd"?); ignored`]);
  });
});
