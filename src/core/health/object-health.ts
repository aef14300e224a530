/**
 * Health as KKP itself reports it, read from an object's `status` the way the release's CRDs define it. Pure: an
 * object in, a verdict out.
 *
 * | kind | healthy when |
 * |---|---|
 * | Cluster | `status.phase` is `Running`; every `status.extendedHealth` component KKP requires (apiserver, controller, scheduler, etcd, machineController, cloudProviderInfrastructure, userClusterControllerManager) and every optional one the spec enables (konnectivity, monitoring, logging, gatekeeper, kubelb, dashboard, operating system manager, kyverno) is `HealthStatusUp`; `status.versions.controlPlane` is `spec.version`; every condition is `True`; no `errorReason` |
 * | Seed | `status.phase` is `Healthy`; every condition is `True`; `status.versions.kubermatic` is the expected KKP version, where both are known |
 * | Project | `status.phase` is `Active` where KKP set a phase |
 * | anything else (User, bindings, SSH keys) | stored |
 *
 * What reaches GitHub is fixed text only: component and condition names from KKP's own vocabulary, enum values
 * (`phase`, `errorReason`). `errorMessage` is free text written by a controller: it is kept, bounded, for the command
 * line only (`ObjectHealth.detail`) and never put in a deployment, comment or commit status.
 */
import type { KubeObject } from '../render/kube-object.js';
import { objectAt, stringAt, valueAt } from '../model/plain-data.js';

export type HealthState = 'healthy' | 'progressing' | 'unhealthy';

export interface ObjectHealth {
  readonly state: HealthState;
  /** Why it is not healthy, in fixed form (`phase Creating`, `etcd HealthStatusDown`, `errorReason ReconcileError`). Empty when healthy. */
  readonly reasons: readonly string[];
  /** The extendedHealth components not Up (Cluster), by KKP's names. */
  readonly components: readonly string[];
  /** KKP's `errorReason`, when it is one of the CRD's values. */
  readonly errorReason?: string;
  /** Waiting longer will not help: KKP refused the configuration (`InvalidConfiguration`, `UnsupportedChange`). */
  readonly terminal: boolean;
  /** KKP's `errorMessage`, at most 200 characters: for the command line only, never for GitHub. */
  readonly detail?: string;
}

export interface HealthExpectations {
  /** The KKP version the Seeds should report (`v2.31.0`). Default: not checked. */
  readonly kkpVersion?: string;
}

/** The extendedHealth components KKP requires of every cluster (its `AllHealthy`), in its CRD's names. */
const REQUIRED_COMPONENTS = ['apiserver', 'controller', 'scheduler', 'etcd', 'machineController', 'cloudProviderInfrastructure', 'userClusterControllerManager'] as const;

/** Optional components, as a table: the component and the spec field that enables it. */
const OPTIONAL_COMPONENTS: readonly { readonly component: string; readonly enabled: readonly string[] }[] = [
  { component: 'konnectivity', enabled: ['clusterNetwork', 'konnectivityEnabled'] },
  { component: 'monitoring', enabled: ['mla', 'monitoringEnabled'] },
  { component: 'logging', enabled: ['mla', 'loggingEnabled'] },
  { component: 'gatekeeperController', enabled: ['opaIntegration', 'enabled'] },
  { component: 'gatekeeperAudit', enabled: ['opaIntegration', 'enabled'] },
  { component: 'kubelb', enabled: ['kubelb', 'enabled'] },
  { component: 'kubernetesDashboard', enabled: ['kubernetesDashboard', 'enabled'] },
  { component: 'operatingSystemManager', enabled: ['enableOperatingSystemManager'] },
  { component: 'kyverno', enabled: ['kyverno', 'enabled'] },
];

const HEALTH_VALUES = new Set(['HealthStatusUp', 'HealthStatusDown', 'HealthStatusProvisioning']);
const CLUSTER_PHASES = new Set(['Creating', 'Updating', 'Running', 'Terminating']);
const SEED_PHASES = new Set(['Healthy', 'Unhealthy', 'Invalid', 'Terminating', 'Paused']);
const PROJECT_PHASES = new Set(['Active', 'Inactive', 'Terminating']);
const ERROR_REASONS = new Set(['InvalidConfiguration', 'UnsupportedChange', 'ReconcileError']);
/** errorReasons that no amount of waiting fixes. */
const TERMINAL_ERROR_REASONS = new Set(['InvalidConfiguration', 'UnsupportedChange']);
/** A condition type named in a report: KKP's are CamelCase words. */
const CONDITION_NAME = /^[A-Za-z][A-Za-z0-9]{0,79}$/;
const DETAIL_LIMIT = 200;

/** The health of one live object by KKP's status. Never throws, whatever the object holds. */
export function objectHealth(object: KubeObject, expectations: HealthExpectations = {}): ObjectHealth {
  if (object.metadata.deletionTimestamp) return verdict('progressing', ['being deleted']);
  switch (`${object.apiVersion}|${object.kind}`) {
    case 'kubermatic.k8c.io/v1|Cluster':
      return clusterHealth(object);
    case 'kubermatic.k8c.io/v1|Seed':
      return seedHealth(object, expectations);
    case 'kubermatic.k8c.io/v1|Project':
      return projectHealth(object);
    default:
      return verdict('healthy', []);
  }
}

function clusterHealth(cluster: KubeObject): ObjectHealth {
  const reasons: string[] = [];
  const components: string[] = [];
  let down = false;
  const phase = named(stringAt(cluster, 'status', 'phase'), CLUSTER_PHASES);
  if (phase !== 'Running') reasons.push(`phase ${phase ?? 'not reported'}`);
  const health = objectAt(cluster, 'status', 'extendedHealth');
  const enabled = OPTIONAL_COMPONENTS.filter((o) => valueAt(cluster['spec'], ...o.enabled) === true).map((o) => o.component);
  for (const component of [...REQUIRED_COMPONENTS, ...enabled]) {
    const value = health?.[component];
    if (value === 'HealthStatusUp') continue;
    // KKP leaves machineController empty on providers without machines (Edge): absent counts as Up there only.
    if (component === 'machineController' && health !== undefined && value === undefined) continue;
    components.push(component);
    const state = typeof value === 'string' && HEALTH_VALUES.has(value) ? value : 'not reported';
    if (state === 'HealthStatusDown') down = true;
    reasons.push(`${component} ${state}`);
  }
  const desired = stringAt(cluster, 'spec', 'version');
  const controlPlane = stringAt(cluster, 'status', 'versions', 'controlPlane');
  if (desired !== undefined && controlPlane !== undefined && normalizeVersion(controlPlane) !== normalizeVersion(desired)) reasons.push('control plane not at the desired version yet');
  reasons.push(...falseConditions(cluster));
  const error = errorOf(cluster);
  if (error.errorReason) reasons.push(`errorReason ${error.errorReason}`);
  const state: HealthState = reasons.length === 0 ? 'healthy' : error.errorReason || down ? 'unhealthy' : 'progressing';
  return { ...verdict(state, reasons), components, ...error, terminal: error.errorReason !== undefined && TERMINAL_ERROR_REASONS.has(error.errorReason) };
}

function seedHealth(seed: KubeObject, expectations: HealthExpectations): ObjectHealth {
  const reasons: string[] = [];
  const phase = named(stringAt(seed, 'status', 'phase'), SEED_PHASES);
  if (phase !== 'Healthy') reasons.push(`phase ${phase ?? 'not reported'}`);
  reasons.push(...falseConditions(seed));
  const reported = stringAt(seed, 'status', 'versions', 'kubermatic');
  if (expectations.kkpVersion !== undefined && reported !== undefined && normalizeVersion(reported) !== normalizeVersion(expectations.kkpVersion)) {
    reasons.push(`KKP version not ${expectations.kkpVersion} yet`);
  }
  const state: HealthState = reasons.length === 0 ? 'healthy' : phase === 'Unhealthy' || phase === 'Invalid' ? 'unhealthy' : 'progressing';
  return verdict(state, reasons);
}

function projectHealth(project: KubeObject): ObjectHealth {
  const phase = stringAt(project, 'status', 'phase');
  if (phase === undefined || phase === 'Active') return verdict('healthy', []);
  return verdict('progressing', [`phase ${named(phase, PROJECT_PHASES) ?? 'not recognized'}`]);
}

/** `condition <Type> <status>` for every condition that is not True (conditions are a map by type in KKP). */
function falseConditions(object: KubeObject): string[] {
  const conditions = objectAt(object, 'status', 'conditions');
  if (!conditions) return [];
  const out: string[] = [];
  for (const [type, condition] of Object.entries(conditions)) {
    const status = stringAt(condition, 'status');
    if (status === 'True') continue;
    out.push(`condition ${CONDITION_NAME.test(type) ? type : '(unnamed)'} ${status === 'False' ? 'False' : 'Unknown'}`);
  }
  return out.sort();
}

function errorOf(object: KubeObject): { errorReason?: string; detail?: string } {
  const reason = stringAt(object, 'status', 'errorReason');
  const message = stringAt(object, 'status', 'errorMessage');
  return {
    ...(reason ? { errorReason: ERROR_REASONS.has(reason) ? reason : 'unrecognized' } : {}),
    ...(message ? { detail: bounded(message.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')) } : {}),
  };
}

/** The value when it is one of `allowed`; anything else is reported as not recognized. */
function named(value: string | undefined, allowed: ReadonlySet<string>): string | undefined {
  if (value === undefined || value === '') return undefined;
  return allowed.has(value) ? value : 'not recognized';
}

function normalizeVersion(version: string): string {
  return version.trim().replace(/^v/, '');
}

function verdict(state: HealthState, reasons: readonly string[]): ObjectHealth {
  return { state, reasons, components: [], terminal: false };
}

function bounded(text: string): string {
  return text.length > DETAIL_LIMIT ? `${text.slice(0, DETAIL_LIMIT - 1)}…` : text;
}
