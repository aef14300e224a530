/**
 * KKP's own admission, as the sandbox's virtual clusters run it: the Seed webhook on the master (datacenter
 * names unique across seeds, one provider per datacenter, no removal of a datacenter or seed still in use) and,
 * on each seed, the Cluster defaulting webhook (fills what KKP fills, under its own field manager) and the
 * Cluster validating webhook (datacenter must belong to this seed, immutable fields), plus the control-plane
 * namespace `cluster-<name>` KKP creates on the seed.
 */
import { KKP_NAMESPACE } from '../core/kinds.js';
import { providerKeysOf } from '../core/model/providers.js';
import type { AdmissionPlugin, AdmissionRequest } from '../emulator/admission.js';
import { admissionDenied, type FieldError, invalid } from '../emulator/api-status.js';
import { isPlainObject, jsonEqual, type KubeObject } from '../emulator/kube-object.js';
import { NAMESPACES } from '../emulator/resource-type.js';
import type { VirtualCluster } from '../emulator/virtual-cluster.js';
import { KKP_GROUP } from './kkp-crds.js';
import { DEFAULT_KKP_RELEASE, type KkpRelease } from '../core/kkp-release.js';
import { CNI_DEFAULTS, CNI_VERSIONS, defaultCniType } from '../core/versions/cni-versions.js';
import { defaultVersionsPolicy, providerIncompatibility, versionUpdateProblem } from '../core/versions/versions-policy.js';
import { versionConditions } from '../core/versions/version-conditions.js';
import { parseCidr } from '../core/validate/cidr.js';
import { RESOURCE_NAME } from '../core/validate/rules/seed-etcd-backup-destination.js';
import { INITIAL_GROUP_LABEL, SERVICE_ACCOUNT_PREFIX } from '../core/validate/rules/user-service-account.js';
import { clusterNameProblem } from '../core/validate/rules/cluster-name.js';
import { KUBEVIRT_OPERATING_SYSTEMS } from '../core/validate/rules/datacenter-kubevirt-os.js';
import { ENVOY_DURATION_FIELDS, envoyDurationProblem, parseGoDuration } from '../core/validate/rules/seed-envoy-connection-settings.js';


/** The field manager of the defaulting webhook's changes. */
export const KKP_DEFAULTING_MANAGER = 'kubermatic-webhook';
export const SEED_WEBHOOK = 'seeds.kubermatic.k8c.io';
export const CLUSTER_WEBHOOK = 'clusters.kubermatic.k8c.io';

/**
 * KKP's defaults for a Cluster: what live objects carry although Git never set it. The CNI plugin depends on the
 * release and the provider (`CNI_DEFAULTS`, `defaultCniType` in src/core/versions/cni-versions.ts).
 */
export const CLUSTER_DEFAULTS = {
  exposeStrategy: 'NodePort',
  pods: '172.25.0.0/16',
  services: '10.240.16.0/20',
  proxyMode: 'ipvs',
  dnsDomain: 'cluster.local',
} as const;

export interface KkpAdmissionOptions {
  /** The master's API: Seeds live there. */
  readonly master: () => VirtualCluster | undefined;
  /** A seed's API by seed name, to see the Clusters it hosts. */
  readonly seed: (name: string) => VirtualCluster | undefined;
  /** The KKP release whose rules apply (CNI versions). Default: the newest. */
  readonly kkpVersion?: KkpRelease;
}

type Obj = Record<string, unknown>;

function obj(value: unknown): Obj {
  return isPlainObject(value) ? value : {};
}

function isKind(request: AdmissionRequest, kind: string): boolean {
  return request.type.group === KKP_GROUP && request.type.kind === kind && request.subresource === undefined;
}

function datacentersOf(seed: KubeObject | undefined): Obj {
  return obj(obj(seed?.['spec'])['datacenters']);
}

function providersOf(datacenter: unknown): string[] {
  const spec = obj(obj(datacenter)['spec']);
  return providerKeysOf(spec);
}

function clustersOn(seed: VirtualCluster | undefined): KubeObject[] {
  const type = seed?.typeOf(`${KKP_GROUP}/v1`, 'Cluster');
  if (!seed || !type) return [];
  return seed.list(type, undefined).entries.map((e) => e.object);
}

function clusterDc(cluster: KubeObject): string | undefined {
  const dc = obj(obj(cluster['spec'])['cloud'])['dc'];
  return typeof dc === 'string' ? dc : undefined;
}

function seedsIn(master: VirtualCluster): KubeObject[] {
  const type = master.typeOf(`${KKP_GROUP}/v1`, 'Seed');
  return type ? master.list(type, undefined).entries.map((e) => e.object) : [];
}

/** The Seed validating webhook, for the master. */
export function seedAdmission(options: KkpAdmissionOptions): AdmissionPlugin {
  return {
    name: SEED_WEBHOOK,
    validate(request) {
      if (!isKind(request, 'Seed')) return;
      const name = request.object?.metadata.name ?? request.oldObject?.metadata.name ?? '';
      if (request.operation === 'DELETE') {
        const hosted = clustersOn(options.seed(name));
        if (hosted.length > 0) {
          throw admissionDenied(SEED_WEBHOOK, `cannot delete seed "${name}": it still hosts ${hosted.length} cluster(s): ${hosted.map((c) => c.metadata.name).join(', ')}`);
        }
        return;
      }
      const seed = request.object as KubeObject;
      const datacenters = datacentersOf(seed);
      for (const [dcName, dc] of Object.entries(datacenters)) {
        const providers = providersOf(dc);
        if (providers.length === 0) throw admissionDenied(SEED_WEBHOOK, `datacenter "${dcName}" has no provider defined`);
        if (providers.length > 1) throw admissionDenied(SEED_WEBHOOK, `datacenter "${dcName}" has more than one provider defined: ${providers.join(', ')}`);
        const images = obj(obj(obj(obj(obj(obj(dc)['spec'])['kubevirt'])['images'])['http'])['operatingSystems']);
        const unsupported = Object.keys(images).find((os) => !KUBEVIRT_OPERATING_SYSTEMS.includes(os));
        if (unsupported !== undefined) throw admissionDenied(SEED_WEBHOOK, `invalid/not supported operating system specified: ${unsupported}`);
        const before = datacentersOf(request.oldObject)[dcName];
        const previous = before === undefined ? [] : providersOf(before);
        if (previous.length === 1 && previous[0] !== providers[0]) {
          throw admissionDenied(SEED_WEBHOOK, `cannot change datacenter "${dcName}" provider from "${previous[0]}" to "${providers[0]}"`);
        }
      }
      for (const other of seedsIn(request.cluster)) {
        if (other.metadata.name === name && other.metadata.namespace === seed.metadata.namespace) continue;
        for (const dcName of Object.keys(datacentersOf(other))) {
          if (dcName in datacenters) {
            throw admissionDenied(SEED_WEBHOOK, `datacenter "${dcName}" already exists in seed "${other.metadata.name ?? ''}", datacenter names must be unique`);
          }
        }
      }
      const spec = obj(seed['spec']);
      const ranges = Array.isArray(spec['defaultAPIServerAllowedIPRanges']) ? (spec['defaultAPIServerAllowedIPRanges'] as unknown[]) : [];
      const badRange = ranges.find((r) => typeof r !== 'string' || parseCidr(r) === undefined);
      if (badRange !== undefined) throw admissionDenied(SEED_WEBHOOK, `${String(badRange)} is not a valid IP range`);
      if ((options.kkpVersion ?? DEFAULT_KKP_RELEASE) === 'v2.31') {
        const problem = authenticationProblem(spec, datacenters);
        if (problem !== undefined) throw admissionDenied(SEED_WEBHOOK, problem);
      }
      if ((options.kkpVersion ?? DEFAULT_KKP_RELEASE) !== 'v2.29') {
        const settings = obj(obj(obj(spec['nodeportProxy'])['envoy'])['connectionSettings']);
        for (const field of ENVOY_DURATION_FIELDS) {
          const value = settings[field];
          if (value === undefined || value === null) continue;
          if (typeof value !== 'string' || parseGoDuration(value) === undefined) throw admissionDenied(SEED_WEBHOOK, `time: invalid duration ${JSON.stringify(String(value))}`);
          const problem = envoyDurationProblem(value);
          if (problem !== undefined) throw admissionDenied(SEED_WEBHOOK, `spec.nodeportProxy.envoy.connectionSettings.${field} ${problem}`);
        }
      }
      const backup = spec['etcdBackupRestore'];
      if (isPlainObject(backup)) {
        const destinations = Object.keys(obj(backup['destinations']));
        if (destinations.length === 0) throw admissionDenied(SEED_WEBHOOK, 'invalid etcd backup configuration: must define at least one backup destination');
        const chosen = backup['defaultDestination'];
        if (typeof chosen === 'string' && chosen !== '' && !destinations.includes(chosen)) {
          throw admissionDenied(SEED_WEBHOOK, `invalid etcd backup configuration: default destination "${chosen}" does not exist`);
        }
        if (destinations.some((d) => !RESOURCE_NAME.test(d))) throw admissionDenied(SEED_WEBHOOK, `destination name is invalid, must match ${RESOURCE_NAME.source}`);
      }
      const removed = Object.keys(datacentersOf(request.oldObject)).filter((dc) => !(dc in datacenters));
      if (removed.length > 0) {
        const users = clustersOn(options.seed(name)).filter((c) => removed.includes(clusterDc(c) ?? ''));
        if (users.length > 0) {
          const dc = clusterDc(users[0] as KubeObject) ?? '';
          throw admissionDenied(SEED_WEBHOOK, `datacenter "${dc}" is still in use by cluster(s) ${users.map((c) => c.metadata.name).join(', ')} and cannot be removed`);
        }
      }
    },
  };
}

/** KKP v2.31's `validateAuthenticationConfiguration` (pkg/webhook/seed/validation.go), of the Seed and its datacenters. */
function authenticationProblem(spec: Obj, datacenters: Obj): string | undefined {
  const filled = (o: Obj, key: string) => typeof o[key] === 'string' && o[key] !== '';
  for (const [name, dc] of Object.entries(datacenters)) {
    const auth = obj(obj(obj(dc)['spec'])['authenticationConfiguration']);
    if (isPlainObject(obj(obj(dc)['spec'])['authenticationConfiguration']) && (!filled(auth, 'secretName') || !filled(auth, 'secretKey'))) {
      return `datacenter "${name}": spec.authenticationConfiguration must contain a valid secret reference with secretName and secretKey`;
    }
  }
  const hasAuth = isPlainObject(spec['authenticationConfiguration']);
  const hasOidc = isPlainObject(spec['oidcProviderConfiguration']);
  if (hasAuth && hasOidc) return 'only one of spec.authenticationConfiguration and spec.oidcProviderConfiguration can be set';
  const auth = obj(spec['authenticationConfiguration']);
  if (hasAuth && (!filled(auth, 'secretName') || !filled(auth, 'secretKey'))) return 'spec.authenticationConfiguration must contain a valid secret reference with secretName and secretKey';
  const oidc = obj(spec['oidcProviderConfiguration']);
  if (hasOidc && (!filled(oidc, 'issuerURL') || !filled(oidc, 'issuerClientID'))) return 'spec.oidcProviderConfiguration must specify issuerURL and issuerClientID';
  return undefined;
}

export const USER_WEBHOOK = 'users.kubermatic.k8c.io';
export const GROUP_PROJECT_BINDING_WEBHOOK = 'groupprojectbindings.kubermatic.k8c.io';

/**
 * The User and GroupProjectBinding validating webhooks, for the master: a User is not both admin and global
 * viewer and keeps its e-mail (pkg/validation/user.go); one GroupProjectBinding per group and project
 * (pkg/ee/validation/groupprojectbinding).
 */
export function userAdmission(options: Pick<KkpAdmissionOptions, 'kkpVersion'> = {}): AdmissionPlugin {
  return {
    name: USER_WEBHOOK,
    validate(request) {
      if (request.operation === 'DELETE' || !request.object) return;
      if (isKind(request, 'User')) {
        const spec = obj(request.object['spec']);
        const errors: FieldError[] = [];
        if (spec['admin'] === true && spec['isGlobalViewer'] === true) errors.push({ field: 'spec.isGlobalViewer', type: 'Forbidden', detail: 'admin users cannot be global viewers' });
        errors.push(...serviceAccountErrors(request.object, request.operation === 'CREATE'));
        const before = obj(request.oldObject?.['spec'])['email'];
        if (request.operation === 'UPDATE' && before !== undefined && before !== spec['email']) {
          errors.push({ field: 'spec.email', type: 'Invalid', value: spec['email'] ?? null, detail: 'this field is immutable' });
        }
        const projectBefore = obj(request.oldObject?.['spec'])['project'] ?? '';
        if (request.operation === 'UPDATE' && projectBefore !== (spec['project'] ?? '')) {
          errors.push({ field: 'spec.project', type: 'Invalid', value: spec['project'] ?? '', detail: 'this field is immutable' });
        }
        // pkg/validation/user.go `ValidateUserEmailUniqueness` (KKP v2.30 and later): e-mails unique regardless of case.
        const email = spec['email'];
        if ((options.kkpVersion ?? DEFAULT_KKP_RELEASE) !== 'v2.29' && typeof email === 'string' && email !== '') {
          const twin = request.cluster.list(request.type, undefined).entries.find(
            (e) => e.object.metadata.name !== request.object?.metadata.name && String(obj(e.object['spec'])['email'] ?? '').toLowerCase() === email.toLowerCase(),
          );
          if (twin) errors.push({ field: 'spec.email', type: 'Duplicate', value: email });
        }
        if (errors.length) throw invalid(request.type.kind, request.type.group, request.object.metadata.name ?? '', errors);
      }
      if (isKind(request, 'GroupProjectBinding')) {
        const spec = obj(request.object['spec']);
        const others = request.cluster.list(request.type, undefined).entries.map((e) => e.object);
        const twin = others.find((o) => o.metadata.name !== request.object?.metadata.name && jsonEqual(obj(o['spec'])['group'], spec['group']) && jsonEqual(obj(o['spec'])['projectID'], spec['projectID']));
        if (twin) {
          throw admissionDenied(GROUP_PROJECT_BINDING_WEBHOOK, `a GroupProjectBinding for group "${String(spec['group'])}" and project "${String(spec['projectID'])}" already exists: ${twin.metadata.name ?? ''}`);
        }
      }
    },
  };
}

/** pkg/validation/user.go `ValidateUser`, `ValidateUserCreate`: service account Users and regular ones. */
function serviceAccountErrors(user: KubeObject, created: boolean): FieldError[] {
  const spec = obj(user['spec']);
  const email = typeof spec['email'] === 'string' ? spec['email'] : '';
  const project = typeof spec['project'] === 'string' ? spec['project'] : '';
  const errors: FieldError[] = [];
  if ((user.metadata.name ?? '').startsWith(SERVICE_ACCOUNT_PREFIX)) {
    if (project === '') errors.push({ field: 'spec.project', type: 'Required', detail: 'service accounts must reference a project' });
    if (!email.startsWith(SERVICE_ACCOUNT_PREFIX)) errors.push({ field: 'spec.email', type: 'Forbidden', detail: `service account users must have an email address starting with "${SERVICE_ACCOUNT_PREFIX}"` });
    if (created && user.metadata.labels?.[INITIAL_GROUP_LABEL] === undefined) {
      errors.push({ field: 'metadata.labels', type: 'Required', detail: `service accounts must define their group using a "${INITIAL_GROUP_LABEL}" label` });
    }
  } else {
    if (project !== '') errors.push({ field: 'spec.project', type: 'Forbidden', detail: 'regular users must not set a project reference' });
    if (email.startsWith(SERVICE_ACCOUNT_PREFIX)) errors.push({ field: 'spec.email', type: 'Forbidden', detail: `regular users must not have an email address starting with "${SERVICE_ACCOUNT_PREFIX}"` });
  }
  return errors;
}

function setDefault(target: Obj, key: string, value: unknown): void {
  if (target[key] === undefined || target[key] === '') target[key] = value;
}

/** The cloud block's provider: the one key of `spec.cloud` other than dc and providerName. */
function cloudProvider(cloud: Obj): string | undefined {
  return providerKeysOf(cloud)[0];
}

/** KKP's Cluster defaulting: returns a new object with the defaults filled in. */
export function defaultCluster(cluster: KubeObject, seed: KubeObject | undefined, release: KkpRelease = DEFAULT_KKP_RELEASE): KubeObject {
  const spec: Obj = { ...obj(cluster['spec']) };
  const cloud: Obj = { ...obj(spec['cloud']) };
  const provider = cloudProvider(cloud);
  if (provider) setDefault(cloud, 'providerName', provider);
  spec['cloud'] = cloud;
  const seedExpose = obj(seed?.['spec'])['exposeStrategy'];
  setDefault(spec, 'exposeStrategy', typeof seedExpose === 'string' && seedExpose ? seedExpose : CLUSTER_DEFAULTS.exposeStrategy);
  // pkg/defaulting/cluster.go: no CNI plugin → the release's default one (canal on edge, else cilium) at its default
  // version; a plugin without a version → that plugin's default version.
  const cni: Obj = { ...obj(spec['cniPlugin']) };
  if (cni['type'] === undefined || cni['type'] === '') cni['type'] = defaultCniType(provider);
  const defaultVersion = (CNI_DEFAULTS[release] as Readonly<Record<string, string>>)[String(cni['type'])];
  if (defaultVersion !== undefined) setDefault(cni, 'version', defaultVersion);
  spec['cniPlugin'] = cni;
  const network: Obj = { ...obj(spec['clusterNetwork']) };
  const pods: Obj = { ...obj(network['pods']) };
  if (!Array.isArray(pods['cidrBlocks']) || pods['cidrBlocks'].length === 0) pods['cidrBlocks'] = [CLUSTER_DEFAULTS.pods];
  const services: Obj = { ...obj(network['services']) };
  if (!Array.isArray(services['cidrBlocks']) || services['cidrBlocks'].length === 0) services['cidrBlocks'] = [CLUSTER_DEFAULTS.services];
  network['pods'] = pods;
  network['services'] = services;
  setDefault(network, 'proxyMode', CLUSTER_DEFAULTS.proxyMode);
  setDefault(network, 'dnsDomain', CLUSTER_DEFAULTS.dnsDomain);
  spec['clusterNetwork'] = network;
  return { ...cluster, spec };
}

/**
 * What KKP's mutating webhooks answer beyond their defaults: their patch goes from the object as received to the
 * object re-encoded from its Go type (`admission.PatchResponseFromRaw`), which writes every field without
 * `omitempty`, that is every field the CRD requires, with its zero value ("", false, 0, {}). Lists stay as they
 * are (a nil Go slice encodes as null, which the apiserver prunes).
 */
export function withGoZeroValues(value: unknown, schema: unknown): unknown {
  if (!isPlainObject(schema)) return value;
  if (Array.isArray(value)) return value.map((item) => withGoZeroValues(item, schema['items']));
  if (!isPlainObject(value)) return value;
  const properties = obj(schema['properties']);
  const out: Obj = { ...value };
  for (const name of Array.isArray(schema['required']) ? (schema['required'] as unknown[]) : []) {
    if (typeof name !== 'string' || out[name] !== undefined) continue;
    const zero = zeroValue(obj(properties[name]));
    if (zero !== undefined) out[name] = zero;
  }
  for (const [name, child] of Object.entries(out)) {
    const childSchema = properties[name] ?? (isPlainObject(schema['additionalProperties']) ? schema['additionalProperties'] : undefined);
    if (childSchema !== undefined) out[name] = withGoZeroValues(child, childSchema);
  }
  return out;
}

function zeroValue(schema: Obj): unknown {
  if (schema['x-kubernetes-int-or-string'] === true) return 0;
  switch (schema['type']) {
    case 'string':
      return '';
    case 'boolean':
      return false;
    case 'integer':
    case 'number':
      return 0;
    case 'object':
      return {};
    default:
      return undefined;
  }
}

function at(object: KubeObject | undefined, path: readonly string[]): unknown {
  let current: unknown = object;
  for (const key of path) current = obj(current)[key];
  return current;
}

interface Immutable {
  readonly path: readonly string[];
  /** A label on the new object that allows the change. */
  readonly unlessLabel?: string;
}

const IMMUTABLE: readonly Immutable[] = [
  { path: ['spec', 'cloud', 'dc'] },
  { path: ['spec', 'cloud', 'providerName'] },
  { path: ['spec', 'clusterNetwork', 'pods', 'cidrBlocks'] },
  { path: ['spec', 'clusterNetwork', 'services', 'cidrBlocks'] },
  { path: ['spec', 'clusterNetwork', 'ipFamily'] },
  { path: ['spec', 'clusterNetwork', 'dnsDomain'] },
  { path: ['spec', 'exposeStrategy'], unlessLabel: 'unsafe-expose-strategy-migration' },
  { path: ['spec', 'clusterNetwork', 'proxyMode'], unlessLabel: 'unsafe-cni-migration' },
  { path: ['spec', 'cniPlugin', 'type'], unlessLabel: 'unsafe-cni-migration' },
  { path: ['metadata', 'labels', 'project-id'] },
];

/**
 * KKP's checks of a new or changed Cluster spec that need nothing beyond the object (pkg/validation/cluster.go
 * `ValidateClusterSpec`, `ValidateClusterNetworkConfig`, `validateProxyMode`, `validateGCPCloudSpec`,
 * `validateMachineNetworksFromClusterSpec`; CNI versions of pkg/cni/version.go), on the defaulted object.
 */
export function clusterSpecErrors(cluster: KubeObject, release: KkpRelease): FieldError[] {
  const spec = obj(cluster['spec']);
  const network = obj(spec['clusterNetwork']);
  const cni = obj(spec['cniPlugin']);
  const cloud = obj(spec['cloud']);
  const errors: FieldError[] = [];
  const dnsDomain = network['dnsDomain'];
  if (typeof dnsDomain === 'string' && dnsDomain !== '' && dnsDomain !== 'cluster.local') {
    errors.push({ field: 'spec.clusterNetwork.dnsDomain', type: 'Invalid', value: dnsDomain, detail: "dnsDomain must be 'cluster.local'" });
  }
  if (network['konnectivityEnabled'] === false) {
    errors.push({ field: 'spec.clusterNetwork.konnectivityEnabled', type: 'Invalid', value: false, detail: 'Konnectivity can no longer be disabled' });
  }
  if (network['proxyMode'] === 'ebpf' && (cni['type'] === undefined || cni['type'] === 'canal')) {
    errors.push({ field: 'spec.clusterNetwork.proxyMode', type: 'Invalid', value: 'ebpf', detail: 'ebpf proxy mode is not valid for canal CNI' });
  }
  const type = typeof cni['type'] === 'string' ? cni['type'] : undefined;
  const version = typeof cni['version'] === 'string' ? cni['version'] : '';
  const allowed = type === undefined ? undefined : CNI_VERSIONS[release][type];
  if (allowed !== undefined && !allowed.includes(version)) {
    errors.push({ field: 'spec.cniPlugin.version', type: 'NotSupported', value: version, supported: [...allowed] });
  }
  const pods = Array.isArray(obj(network['pods'])['cidrBlocks']) ? (obj(network['pods'])['cidrBlocks'] as unknown[]) : [];
  const dualStack = network['ipFamily'] === 'IPv4+IPv6' || (network['ipFamily'] === undefined && pods.length >= 2);
  const canalMinor = type === 'canal' ? /^v?3\.(\d+)/.exec(version) : null;
  if (dualStack && canalMinor && Number(canalMinor[1]) < 22) {
    errors.push({ field: 'spec.cniPlugin', type: 'Forbidden', detail: 'dual-stack not allowed on Canal CNI version lower than 3.22' });
  }
  const gcp = cloud['gcp'];
  if (dualStack && isPlainObject(gcp) && (!gcp['network'] || !gcp['subnetwork'])) {
    throw admissionDenied(CLUSTER_WEBHOOK, 'invalid cloud spec: network and subnetwork should be defined for GCP dual-stack (IPv4 + IPv6) cluster');
  }
  const machineNetworks = spec['machineNetworks'];
  if (Array.isArray(machineNetworks) && machineNetworks.length > 0 && cloud['vsphere'] === undefined) {
    errors.push({ field: 'spec.machineNetworks', type: 'Invalid', detail: 'machine networks are only supported with the vSphere provider' });
  }
  return errors;
}

/**
 * KKP's version manager on a new Cluster (operation CREATE) or a changed version (UPGRADE): the release's provider
 * incompatibilities for the cluster's provider and conditions (pkg/validation/cluster.go `ValidateVersion`,
 * pkg/version/manager.go). Refused as KKP does, `Unsupported value` with the versions it would accept.
 */
function providerIncompatibilityErrors(cluster: KubeObject, old: KubeObject | undefined, release: KkpRelease): FieldError[] {
  const spec = obj(cluster['spec']);
  const version = spec['version'];
  if (typeof version !== 'string') return [];
  const from = old ? at(old, ['spec', 'version']) : undefined;
  if (old && (typeof from !== 'string' || from === version)) return [];
  const policy = defaultVersionsPolicy(release);
  const provider = cloudProvider(obj(spec['cloud']));
  const operation = old ? 'UPGRADE' : 'CREATE';
  const conditions = versionConditions(provider, spec);
  const accepted = (v: string) => providerIncompatibility(policy, { version: v, provider: provider ?? '', operation, conditions }) === undefined;
  if (accepted(version)) return [];
  const supported = policy.versions.filter((v) => accepted(v) && (typeof from !== 'string' || (v !== from && versionUpdateProblem(policy, from, v) === undefined)));
  return [{ field: 'spec.version', type: 'NotSupported', value: version, ...(supported.length > 0 ? { supported } : {}) }];
}

/** KKP's checks of a Cluster update beyond the immutable fields (pkg/validation/cluster.go `ValidateClusterUpdate`). */
function clusterUpdateErrors(cluster: KubeObject, old: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  if (at(old, ['spec', 'features', 'externalCloudProvider']) === true && at(cluster, ['spec', 'features', 'externalCloudProvider']) !== true) {
    errors.push({ field: 'spec.features[externalCloudProvider]', type: 'Invalid', value: false, detail: 'feature gate "externalCloudProvider" cannot be disabled once it\'s enabled' });
  }
  for (const path of [['spec', 'enableUserSSHKeyAgent'], ['spec', 'clusterNetwork', 'nodeLocalDNSCacheEnabled']]) {
    const before = at(old, path);
    if (before !== undefined && !jsonEqual(before, at(cluster, path))) errors.push({ field: path.join('.'), type: 'Invalid', value: at(cluster, path) ?? null, detail: 'field is immutable' });
  }
  return errors;
}

function fieldName(path: readonly string[]): string {
  return path[0] === 'metadata' && path[1] === 'labels' ? `metadata.labels[${path[2] ?? ''}]` : path.join('.');
}

/** The Cluster webhooks of one seed. */
export function clusterAdmission(seedName: string, options: KkpAdmissionOptions): AdmissionPlugin {
  const seedObject = (): KubeObject | undefined => {
    const master = options.master();
    const type = master?.typeOf(`${KKP_GROUP}/v1`, 'Seed');
    return master && type ? master.find(type, KKP_NAMESPACE, seedName) : undefined;
  };
  return {
    name: CLUSTER_WEBHOOK,
    fieldManager: KKP_DEFAULTING_MANAGER,
    mutate(request) {
      if (!isKind(request, 'Cluster') || !request.object || request.object.metadata.deletionTimestamp) return undefined;
      const defaulted = defaultCluster(request.object, seedObject(), options.kkpVersion ?? DEFAULT_KKP_RELEASE);
      const spec = obj(obj(request.type.schema)['properties'])['spec'];
      return { ...defaulted, spec: withGoZeroValues(defaulted['spec'], spec) };
    },
    validate(request) {
      if (!isKind(request, 'Cluster') || !request.object) return;
      const cluster = request.object;
      const name = cluster.metadata.name ?? '';
      const errors: FieldError[] = [];
      // pkg/webhook/cluster/validation ValidateCreate: the name, before anything else.
      const nameProblem = request.operation === 'CREATE' ? clusterNameProblem(name) : undefined;
      if (nameProblem !== undefined) throw admissionDenied(CLUSTER_WEBHOOK, `cluster name "${name}" ${nameProblem}`);
      if (request.operation === 'CREATE' && !cluster.metadata.labels?.['project-id']) {
        errors.push({ field: 'metadata.labels[project-id]', type: 'Required', detail: 'clusters must belong to a project' });
      }
      errors.push(...clusterSpecErrors(cluster, options.kkpVersion ?? DEFAULT_KKP_RELEASE));
      errors.push(...providerIncompatibilityErrors(cluster, request.operation === 'UPDATE' ? request.oldObject : undefined, options.kkpVersion ?? DEFAULT_KKP_RELEASE));
      if (request.operation === 'UPDATE' && request.oldObject) {
        errors.push(...clusterUpdateErrors(cluster, request.oldObject));
        for (const rule of IMMUTABLE) {
          if (rule.unlessLabel && cluster.metadata.labels?.[rule.unlessLabel] !== undefined) continue;
          const before = at(request.oldObject, rule.path);
          const after = at(cluster, rule.path);
          if (before !== undefined && !jsonEqual(before, after)) errors.push({ field: fieldName(rule.path), type: 'Invalid', value: after ?? null, detail: 'field is immutable' });
        }
      }
      if (errors.length) throw invalid(request.type.kind, request.type.group, name, errors);
      const dc = clusterDc(cluster);
      const seed = seedObject();
      if (!seed) throw admissionDenied(CLUSTER_WEBHOOK, `failed to get seed "${seedName}": seeds.kubermatic.k8c.io "${seedName}" not found`);
      const datacenter = dc === undefined ? undefined : datacentersOf(seed)[dc];
      if (datacenter === undefined) {
        throw admissionDenied(CLUSTER_WEBHOOK, `invalid cloud spec: spec.cloud.dc: Invalid value: ${JSON.stringify(dc ?? '')}: datacenter is not served by seed "${seedName}"`);
      }
      const provider = providersOf(datacenter)[0];
      const cloudKey = cloudProvider(obj(obj(cluster['spec'])['cloud']));
      if (provider && cloudKey && provider !== cloudKey) {
        throw admissionDenied(CLUSTER_WEBHOOK, `invalid cloud spec: provider "${cloudKey}" does not match the datacenter's provider "${provider}"`);
      }
    },
    committed(request) {
      if (!isKind(request, 'Cluster') || request.operation !== 'CREATE') return;
      const namespace = `cluster-${request.object.metadata.name ?? ''}`;
      if (!request.cluster.find(NAMESPACES, undefined, namespace)) {
        request.cluster.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }, { fieldManager: 'kubermatic-seed-controller-manager' });
      }
    },
    removed(request) {
      if (!isKind(request, 'Cluster')) return;
      const namespace = `cluster-${request.oldObject.metadata.name ?? ''}`;
      if (request.cluster.find(NAMESPACES, undefined, namespace)) request.cluster.delete(NAMESPACES, undefined, namespace);
    },
  };
}
