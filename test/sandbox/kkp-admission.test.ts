/** KKP admission in the sandbox: what KKP's webhooks refuse is refused here too, and defaults are filled. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/emulator/api-status.js';
import { refusal } from '../support/refusal.js';
import type { KubeObject } from '../../src/emulator/kube-object.js';
import type { ResourceType } from '../../src/emulator/resource-type.js';
import type { VirtualCluster } from '../../src/emulator/virtual-cluster.js';
import { CLUSTER_DEFAULTS, defaultCluster, KKP_DEFAULTING_MANAGER } from '../../src/sandbox/kkp-admission.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/start-sandbox.js';

const seed = (name: string, datacenters: Record<string, unknown>): KubeObject => ({
  apiVersion: 'kubermatic.k8c.io/v1',
  kind: 'Seed',
  metadata: { name, namespace: 'kubermatic' },
  spec: { kubeconfig: { name: `kubeconfig-${name}`, namespace: 'kubermatic' }, datacenters },
});

const cluster = (name: string, dc: string, extra: Record<string, unknown> = {}, labels: Record<string, string> = { 'project-id': 'p1' }): KubeObject => ({
  apiVersion: 'kubermatic.k8c.io/v1',
  kind: 'Cluster',
  metadata: { name, labels },
  spec: { humanReadableName: name, version: '1.35.7', cloud: { dc, aws: { credentialsReference: { name: 'c', namespace: 'kubermatic' } } }, ...extra },
});


describe('KKP admission in the sandbox', () => {
  let sandbox: Sandbox;
  let master: VirtualCluster;
  let eu: VirtualCluster;
  let seeds: ResourceType;
  let clusters: ResourceType;
  const apply = (api: VirtualCluster, type: ResourceType, object: KubeObject) =>
    api.apply(type, object.metadata.namespace, object.metadata.name ?? '', object, { fieldManager: 'kkp-gitops' });

  beforeAll(async () => {
    sandbox = await startSandbox({ seeds: ['seed-eu', 'seed-us'] });
    master = sandbox.clusters.get('master')!.api;
    eu = sandbox.clusters.get('seed-eu')!.api;
    seeds = master.typeOf('kubermatic.k8c.io/v1', 'Seed')!;
    clusters = eu.typeOf('kubermatic.k8c.io/v1', 'Cluster')!;
    apply(master, seeds, seed('seed-eu', { 'aws-eu-central-1': { spec: { aws: { region: 'eu-central-1' } } } }));
    apply(master, seeds, seed('seed-us', { 'aws-us-east-2': { spec: { aws: { region: 'us-east-2' } } } }));
  });
  afterAll(async () => {
    await sandbox.stop();
  });

  it('refuses a datacenter name that another seed already has', () => {
    const error = refusal(() =>
      apply(master, seeds, seed('seed-us', { 'aws-us-east-2': { spec: { aws: { region: 'us-east-2' } } }, 'aws-eu-central-1': { spec: { aws: { region: 'eu-central-1' } } } })),
    );
    expect(error.status.code).toBe(403);
    expect(error.status.message).toBe(
      'admission webhook "seeds.kubermatic.k8c.io" denied the request: datacenter "aws-eu-central-1" already exists in seed "seed-eu", datacenter names must be unique',
    );
  });

  it('refuses a KubeVirt datacenter with images of an operating system KKP does not support', () => {
    const kubevirt = (os: string) => ({ spec: { kubevirt: { images: { http: { operatingSystems: { [os]: { '9': 'https://images.example.com/os.img' } } } } } } });
    const dcs = { 'aws-eu-central-1': { spec: { aws: { region: 'eu-central-1' } } } };
    expect(refusal(() => apply(master, seeds, seed('seed-eu', { ...dcs, 'kv-fra': kubevirt('centos') }))).status.message).toMatch(/denied the request: invalid\/not supported operating system specified: centos$/);
    apply(master, seeds, seed('seed-eu', { ...dcs, 'kv-fra': kubevirt('rockylinux') }));
    apply(master, seeds, seed('seed-eu', dcs));
  });

  it('refuses a datacenter without a provider', () => {
    const error = refusal(() => apply(master, seeds, seed('seed-eu', { 'aws-eu-central-1': { spec: { aws: { region: 'eu-central-1' } } }, empty: { spec: {} } })));
    expect(error.status.message).toContain('datacenter "empty" has no provider defined');
  });

  it('refuses creating a cluster whose name is longer than 36 characters or not an RFC 1035 label', () => {
    expect(refusal(() => apply(eu, clusters, cluster('a'.repeat(37), 'aws-eu-central-1'))).status.message).toMatch(/denied the request: cluster name "a{37}" is 37 characters long, more than KKP's maximum of 36$/);
    expect(refusal(() => apply(eu, clusters, cluster('1shop', 'aws-eu-central-1'))).status.message).toMatch(/cluster name "1shop" is not a valid RFC 1035 label/);
    apply(eu, clusters, cluster('a'.repeat(36), 'aws-eu-central-1'));
  });

  it('refuses a cluster whose datacenter belongs to another seed', () => {
    const error = refusal(() => apply(eu, clusters, cluster('wrong-seed', 'aws-us-east-2')));
    expect(error.status.code).toBe(403);
    expect(error.status.message).toContain('datacenter is not served by seed "seed-eu"');
    expect(eu.find(clusters, undefined, 'wrong-seed')).toBeUndefined();
  });

  it('fills KKP defaults under its own field manager and creates the control-plane namespace', () => {
    const result = apply(eu, clusters, cluster('defaulted', 'aws-eu-central-1'));
    const spec = result.object['spec'] as Record<string, Record<string, unknown>>;
    expect(spec['cloud']?.['providerName']).toBe('aws');
    expect(spec['exposeStrategy']).toBe(CLUSTER_DEFAULTS.exposeStrategy);
    // KKP v2.31 (the sandbox's default release) defaults cilium 1.19.4 on every provider but edge.
    expect(spec['cniPlugin']).toEqual({ type: 'cilium', version: '1.19.4' });
    expect(spec['clusterNetwork']).toEqual({
      pods: { cidrBlocks: ['172.25.0.0/16'] },
      services: { cidrBlocks: ['10.240.16.0/20'] },
      proxyMode: 'ipvs',
      dnsDomain: 'cluster.local',
      // The defaults of KKP's Cluster CRD, filled by the apiserver.
      konnectivityEnabled: true,
      nodeLocalDNSCacheEnabled: true,
    });
    const managers = result.object.metadata.managedFields?.map((m) => m.manager);
    expect(managers).toEqual(['kkp-gitops', KKP_DEFAULTING_MANAGER]);
    expect(eu.find(eu.typeOf('v1', 'Namespace')!, undefined, 'cluster-defaulted')).toBeDefined();

    const again = apply(eu, clusters, cluster('defaulted', 'aws-eu-central-1'));
    expect(again.object.metadata.resourceVersion).toBe(result.object.metadata.resourceVersion);
  });

  it("defaults the CNI plugin as the selected release does: cilium but canal on edge, each plugin's default version", () => {
    const spec = (release: 'v2.29' | 'v2.30' | 'v2.31', cloud: Record<string, unknown>, cniPlugin?: Record<string, unknown>) =>
      defaultCluster({ ...cluster('c', 'dc'), spec: { cloud: { dc: 'dc', ...cloud }, ...(cniPlugin ? { cniPlugin } : {}) } }, undefined, release)['spec'] as Record<string, unknown>;
    const aws = { aws: {} };
    expect(spec('v2.29', aws)['cniPlugin']).toEqual({ type: 'cilium', version: '1.18.10' });
    expect(spec('v2.30', aws)['cniPlugin']).toEqual({ type: 'cilium', version: '1.18.10' });
    expect(spec('v2.31', aws)['cniPlugin']).toEqual({ type: 'cilium', version: '1.19.4' });
    expect(spec('v2.29', { edge: {} })['cniPlugin']).toEqual({ type: 'canal', version: 'v3.30' });
    expect(spec('v2.31', { edge: {} })['cniPlugin']).toEqual({ type: 'canal', version: 'v3.31' });
    expect(spec('v2.31', aws, { type: 'canal' })['cniPlugin']).toEqual({ type: 'canal', version: 'v3.31' });
    expect(spec('v2.31', aws, { type: 'canal', version: 'v3.29' })['cniPlugin']).toEqual({ type: 'canal', version: 'v3.29' });
  });

  it('refuses changing immutable cluster fields with Invalid', () => {
    apply(eu, clusters, cluster('fixed', 'aws-eu-central-1', { exposeStrategy: 'NodePort' }));
    apply(master, seeds, seed('seed-eu', { 'aws-eu-central-1': { spec: { aws: { region: 'eu-central-1' } } }, 'aws-eu-west-1': { spec: { aws: { region: 'eu-west-1' } } } }));
    const moved = refusal(() => apply(eu, clusters, cluster('fixed', 'aws-eu-west-1', { exposeStrategy: 'NodePort' })));
    expect(moved.status.code).toBe(422);
    expect(moved.status.reason).toBe('Invalid');
    expect(moved.status.message).toBe('Cluster.kubermatic.k8c.io "fixed" is invalid: spec.cloud.dc: Invalid value: "aws-eu-west-1": field is immutable');
    expect(moved.status.details?.causes).toEqual([{ reason: 'FieldValueInvalid', message: 'Invalid value: "aws-eu-west-1": field is immutable', field: 'spec.cloud.dc' }]);

    const exposed = refusal(() => apply(eu, clusters, cluster('fixed', 'aws-eu-central-1', { exposeStrategy: 'LoadBalancer' })));
    expect(exposed.status.details?.causes?.[0]?.field).toBe('spec.exposeStrategy');
    const migrated = apply(eu, clusters, cluster('fixed', 'aws-eu-central-1', { exposeStrategy: 'LoadBalancer' }, { 'project-id': 'p1', 'unsafe-expose-strategy-migration': '' }));
    expect((migrated.object['spec'] as Record<string, unknown>)['exposeStrategy']).toBe('LoadBalancer');

    const relabelled = refusal(() => apply(eu, clusters, cluster('fixed', 'aws-eu-central-1', { exposeStrategy: 'LoadBalancer' }, { 'project-id': 'p2', 'unsafe-expose-strategy-migration': '' })));
    expect(relabelled.status.details?.causes?.[0]?.field).toBe('metadata.labels[project-id]');
  });

  it('refuses removing a datacenter that clusters use, and deleting a seed that hosts clusters', () => {
    apply(eu, clusters, cluster('user', 'aws-eu-central-1'));
    const removed = refusal(() => apply(master, seeds, seed('seed-eu', { 'aws-eu-west-1': { spec: { aws: { region: 'eu-west-1' } } } })));
    expect(removed.status.message).toContain('datacenter "aws-eu-central-1" is still in use');
    const deleted = refusal(() => master.delete(seeds, 'kubermatic', 'seed-eu'));
    expect(deleted.status.message).toContain('cannot delete seed "seed-eu"');
  });

  it('removes the control-plane namespace when the cluster is deleted', () => {
    apply(eu, clusters, cluster('short-lived', 'aws-eu-central-1'));
    const namespaces = eu.typeOf('v1', 'Namespace')!;
    expect(eu.find(namespaces, undefined, 'cluster-short-lived')).toBeDefined();
    eu.delete(clusters, undefined, 'short-lived');
    expect(eu.find(namespaces, undefined, 'cluster-short-lived')).toBeUndefined();
  });

  it("refuses what KKP's Cluster validation refuses: dnsDomain, ebpf on canal, disabled Konnectivity, CNI versions, GCP dual-stack without network", () => {
    const network = (clusterNetwork: Record<string, unknown>, cniPlugin?: Record<string, unknown>) => ({ clusterNetwork, ...(cniPlugin ? { cniPlugin } : {}) });
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['dns', network({ dnsDomain: 'cluster.example' }), /dnsDomain must be 'cluster.local'/],
      ['ebpf', network({ proxyMode: 'ebpf' }, { type: 'canal', version: 'v3.29' }), /ebpf proxy mode is not valid for canal/],
      ['knp', network({ konnectivityEnabled: false }), /Konnectivity can no longer be disabled/],
      ['cni', network({}, { type: 'cilium', version: '1.15.0' }), /spec\.cniPlugin\.version: Unsupported value/],
      ['mn', { machineNetworks: [{ cidr: '10.0.0.0/24', gateway: '10.0.0.1', dnsServers: [] }] }, /only supported with the vSphere provider/],
    ];
    for (const [name, extra, message] of cases) {
      const error = refusal(() => apply(eu, clusters, cluster(`refused-${name}`, 'aws-eu-central-1', extra)));
      expect(error.status.message, name).toMatch(message);
    }
  });

  it('refuses switching the external cloud provider off and changing enableUserSSHKeyAgent', () => {
    apply(eu, clusters, cluster('ccm', 'aws-eu-central-1', { features: { externalCloudProvider: true }, enableUserSSHKeyAgent: true }));
    expect(refusal(() => apply(eu, clusters, cluster('ccm', 'aws-eu-central-1', { features: { externalCloudProvider: false }, enableUserSSHKeyAgent: true }))).status.message).toMatch(/cannot be disabled/);
    expect(refusal(() => apply(eu, clusters, cluster('ccm', 'aws-eu-central-1', { features: { externalCloudProvider: true }, enableUserSSHKeyAgent: false }))).status.message).toMatch(/enableUserSSHKeyAgent: Invalid value/);
  });

  it("refuses upgrading an in-tree cluster to a version KKP's provider incompatibilities forbid, and allows it with the external cloud provider", () => {
    apply(eu, clusters, { ...cluster('in-tree', 'aws-eu-central-1'), spec: { ...(cluster('in-tree', 'aws-eu-central-1')['spec'] as object), version: '1.34.8' } });
    const error = refusal(() => apply(eu, clusters, cluster('in-tree', 'aws-eu-central-1')));
    expect(error.status.code).toBe(422);
    expect(error.status.message).toMatch(/spec\.version: Unsupported value: "1\.35\.7"$/);
    apply(eu, clusters, { ...cluster('external', 'aws-eu-central-1', { features: { externalCloudProvider: true } }), spec: { ...(cluster('external', 'aws-eu-central-1', { features: { externalCloudProvider: true } })['spec'] as object), version: '1.34.8' } });
    apply(eu, clusters, cluster('external', 'aws-eu-central-1', { features: { externalCloudProvider: true } }));
    expect(eu.find(clusters, undefined, 'external')?.['spec']).toMatchObject({ version: '1.35.7' });
  });

  it('refuses a Seed with an allowed IP range that is no CIDR, or an etcd backup without destinations, with a bad name or an unknown default', () => {
    const dcs = { 'aws-eu-central-1': { spec: { aws: { region: 'eu-central-1' } } } };
    const withSpec = (extra: Record<string, unknown>) => ({ ...seed('seed-eu', dcs), spec: { ...(seed('seed-eu', dcs)['spec'] as object), ...extra } });
    expect(refusal(() => apply(master, seeds, withSpec({ defaultAPIServerAllowedIPRanges: ['10.0.0.0/8', '10.0.0.300/8'] }))).status.message).toMatch(/10\.0\.0\.300\/8 is not a valid IP range$/);
    expect(refusal(() => apply(master, seeds, withSpec({ etcdBackupRestore: { destinations: {} } }))).status.message).toMatch(/must define at least one backup destination$/);
    const destination = { bucketName: 'b', endpoint: 's3.amazonaws.com' };
    expect(refusal(() => apply(master, seeds, withSpec({ etcdBackupRestore: { destinations: { s3: destination }, defaultDestination: 'minio' } }))).status.message).toMatch(/default destination "minio" does not exist$/);
    expect(refusal(() => apply(master, seeds, withSpec({ etcdBackupRestore: { destinations: { S3_Old: destination } } }))).status.message).toMatch(/destination name is invalid/);
    apply(master, seeds, withSpec({ defaultAPIServerAllowedIPRanges: ['10.0.0.0/8'], etcdBackupRestore: { destinations: { s3: destination }, defaultDestination: 's3' } }));
  });

  it('refuses a service account User without project, prefixed e-mail or initialGroup label, and a regular User with either', () => {
    const users = master.typeOf('kubermatic.k8c.io/v1', 'User')!;
    const user = (name: string, spec: Record<string, unknown>, labels?: Record<string, string>): KubeObject => ({ apiVersion: 'kubermatic.k8c.io/v1', kind: 'User', metadata: { name, ...(labels ? { labels } : {}) }, spec: { name, ...spec } });
    expect(refusal(() => apply(master, users, user('serviceaccount-ci', { email: 'ci@example.com' }))).status.message).toBe(
      'User.kubermatic.k8c.io "serviceaccount-ci" is invalid: [spec.project: Required value: service accounts must reference a project, spec.email: Forbidden: service account users must have an email address starting with "serviceaccount-", metadata.labels: Required value: service accounts must define their group using a "initialGroup" label]',
    );
    expect(refusal(() => apply(master, users, user('dave', { email: 'serviceaccount-dave@localhost', project: 'p1' }))).status.message).toMatch(/spec\.project: Forbidden: regular users must not set a project reference, spec\.email: Forbidden/);
    apply(master, users, user('serviceaccount-ci', { email: 'serviceaccount-ci@localhost', project: 'p1' }, { initialGroup: 'editors-p1' }));
    // The label is needed to create the service account only.
    apply(master, users, user('serviceaccount-ci', { email: 'serviceaccount-ci@localhost', project: 'p1' }));
    expect(refusal(() => apply(master, users, user('serviceaccount-ci', { email: 'serviceaccount-ci@localhost', project: 'p2' }))).status.message).toMatch(/spec\.project: Invalid value: "p2": this field is immutable/);
  });

  it('refuses a Seed with both authentication and OIDC configuration, or either incomplete (KKP v2.31)', () => {
    const dcs = { 'aws-eu-central-1': { spec: { aws: { region: 'eu-central-1' } } } };
    const withSpec = (extra: Record<string, unknown>) => ({ ...seed('seed-eu', dcs), spec: { ...(seed('seed-eu', dcs)['spec'] as object), ...extra } });
    const authentication = { secretName: 'auth', secretKey: 'config.yaml' };
    const oidc = { issuerURL: 'https://dex.example.com', issuerClientID: 'kkp', issuerClientSecret: 's' };
    expect(refusal(() => apply(master, seeds, withSpec({ authenticationConfiguration: authentication, oidcProviderConfiguration: oidc }))).status.message).toMatch(/only one of spec\.authenticationConfiguration and spec\.oidcProviderConfiguration can be set$/);
    expect(refusal(() => apply(master, seeds, withSpec({ oidcProviderConfiguration: { ...oidc, issuerURL: '' } }))).status.message).toMatch(/must specify issuerURL and issuerClientID$/);
    apply(master, seeds, withSpec({ authenticationConfiguration: authentication }));
    apply(master, seeds, seed('seed-eu', dcs));
  });

  it('refuses envoy connection settings below 1s, negative or no duration', () => {
    const dcs = { 'aws-eu-central-1': { spec: { aws: { region: 'eu-central-1' } } } };
    const withSettings = (connectionSettings: Record<string, unknown>) => ({ ...seed('seed-eu', dcs), spec: { ...(seed('seed-eu', dcs)['spec'] as object), nodeportProxy: { envoy: { connectionSettings } } } });
    expect(refusal(() => apply(master, seeds, withSettings({ sniListenerIdleTimeout: '500ms' }))).status.message).toMatch(/connectionSettings\.sniListenerIdleTimeout must be 0 or >= 1s$/);
    expect(refusal(() => apply(master, seeds, withSettings({ upstreamTCPKeepaliveTime: '-1s' }))).status.message).toMatch(/upstreamTCPKeepaliveTime must be >= 0$/);
    expect(refusal(() => apply(master, seeds, withSettings({ upstreamTCPKeepaliveTime: '10 seconds' }))).status.message).toMatch(/time: invalid duration "10 seconds"$/);
    apply(master, seeds, withSettings({ sniListenerIdleTimeout: '0', tunnelingStreamIdleTimeout: '1h30m' }));
    apply(master, seeds, seed('seed-eu', dcs));
  });

  it('refuses a second User with the same e-mail regardless of case', () => {
    const users = master.typeOf('kubermatic.k8c.io/v1', 'User')!;
    const user = (name: string, email: string): KubeObject => ({ apiVersion: 'kubermatic.k8c.io/v1', kind: 'User', metadata: { name }, spec: { name, email } });
    apply(master, users, user('first', 'same@example.com'));
    expect(refusal(() => apply(master, users, user('second', 'Same@Example.com'))).status.message).toMatch(/spec\.email: Duplicate value: "Same@Example\.com"/);
  });

  it('refuses an admin global viewer, a case-only e-mail change and a second GroupProjectBinding of a group and project', () => {
    const users = master.typeOf('kubermatic.k8c.io/v1', 'User')!;
    const bindings = master.typeOf('kubermatic.k8c.io/v1', 'GroupProjectBinding')!;
    const user = (email: string, extra: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'kubermatic.k8c.io/v1', kind: 'User', metadata: { name: 'u1' }, spec: { name: 'U', email, admin: false, ...extra } });
    expect(refusal(() => apply(master, users, { ...user('u@example.com', { admin: true, isGlobalViewer: true }) })).status.message).toMatch(/global viewers/);
    apply(master, users, user('u@example.com'));
    expect(refusal(() => apply(master, users, user('U@example.com'))).status.message).toMatch(/spec\.email: Invalid value/);
    const binding = (name: string): KubeObject => ({ apiVersion: 'kubermatic.k8c.io/v1', kind: 'GroupProjectBinding', metadata: { name }, spec: { group: 'sre', projectID: 'p1', role: 'viewers' } });
    apply(master, bindings, binding('sre-1'));
    expect(refusal(() => apply(master, bindings, binding('sre-2'))).status.message).toMatch(/already exists: sre-1/);
  });
});
