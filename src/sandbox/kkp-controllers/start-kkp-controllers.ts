/**
 * `startKkpControllers`: small stand-ins for KKP's controllers in the sandbox. They watch the virtual clusters
 * in-process (each cluster's watch hub) and write, through the status subresource as a real controller does, the
 * status KKP would: Seeds on the master (`Healthy` once their kubeconfig Secret resolves to a seed of the sandbox),
 * Projects (`Active`), and Clusters on the seeds (`Creating` → `Running` after `delayMs`, `Updating` for `delayMs`
 * on a version change). The fault annotation `sandbox.kkp-gitops.dev/health` holds a state (see `health-fault.ts`).
 * Separate from the API emulator: they only use `VirtualCluster`'s public API.
 */
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import { type Clock, systemClock } from '../../coordination/clock.js';
import { ApiError } from '../../emulator/api-status.js';
import { EMULATED_VERSION } from '../../emulator/discovery.js';
import type { KubeObject } from '../../emulator/kube-object.js';
import { type ResourceType, SECRETS } from '../../emulator/resource-type.js';
import type { VirtualCluster } from '../../emulator/virtual-cluster.js';
import { desiredClusterStatus, pendingTransition } from './cluster-status.js';
import { healthFaultOf, type HealthFault } from './health-fault.js';
import { desiredSeedStatus, type SeedKubeconfigResolution } from './seed-status.js';

export interface KkpControllersOptions {
  /** How long a Cluster stays `Creating` (and `Updating` on a version change) before `Running`. Default 2000 ms. */
  readonly delayMs?: number;
  /** Default: the system clock. */
  readonly clock?: Clock;
  /** Told once per object and value about a fault annotation that is not valid (it is then ignored). Default: nothing. */
  readonly onWarning?: (message: string) => void;
}

export interface KkpControllersTargets {
  readonly master: VirtualCluster;
  /** The seed clusters by name, with the URL their kubeconfig Secret points to. */
  readonly seeds: ReadonlyMap<string, { readonly api: VirtualCluster; readonly url: string }>;
  /** `status.versions.kubermatic` of Seeds and `kubermaticVersion` of Cluster conditions (`v2.31.0`). */
  readonly kubermaticVersion: string;
}

export interface KkpControllers {
  /** Stops watching and cancels pending transitions. */
  stop(): void;
}

export const DEFAULT_CONTROLLER_DELAY_MS = 2000;
/** The field manager of the status the controllers write. */
export const KKP_CONTROLLERS_MANAGER = 'kkp-sandbox-controllers';
const KKP_API_VERSION = 'kubermatic.k8c.io/v1';
/** Kubeconfig Secrets larger than this are not read (a real one is a few KiB). */
const MAX_KUBECONFIG_BYTES = 256 * 1024;

interface Pending {
  readonly transition: string;
  readonly dueAt: number;
  readonly abort: AbortController;
}

function conditionTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export function startKkpControllers(targets: KkpControllersTargets, options: KkpControllersOptions = {}): KkpControllers {
  const delayMs = options.delayMs ?? DEFAULT_CONTROLLER_DELAY_MS;
  const clock = options.clock ?? systemClock;
  const { master, seeds, kubermaticVersion } = targets;
  const dirty = new Set<string>();
  const pending = new Map<string, Pending>();
  const warned = new Map<string, string>();
  const unsubscribe: Array<() => void> = [];
  let scheduled = false;
  let stopped = false;

  const typeIn = (api: VirtualCluster, kind: string): ResourceType | undefined => api.typeOf(KKP_API_VERSION, kind);

  // Listeners run inside the emulator's commit: never write from them, queue the object and reconcile afterwards.
  const enqueue = (key: string): void => {
    dirty.add(key);
    if (scheduled || stopped) return;
    scheduled = true;
    setImmediate(flush);
  };
  const enqueueSeeds = (): void => {
    const type = typeIn(master, 'Seed');
    if (type) for (const { object } of master.list(type, undefined).entries) enqueue(`Seed\0${object.metadata.namespace ?? ''}\0${object.metadata.name ?? ''}`);
  };

  function flush(): void {
    scheduled = false;
    if (stopped) return;
    const keys = [...dirty];
    dirty.clear();
    for (const key of keys) {
      const [kind, scope, name] = key.split('\0') as [string, string, string];
      try {
        if (kind === 'Seed') reconcileSeed(scope, name);
        else if (kind === 'Project') reconcileProject(name);
        else if (kind === 'Cluster') reconcileCluster(scope, name);
      } catch (error) {
        // The object changed or went away meanwhile: its watch event queues it again.
        if (!(error instanceof ApiError)) throw error;
      }
    }
  }

  function writeStatus(api: VirtualCluster, type: ResourceType, object: KubeObject, status: Record<string, unknown>): void {
    if (isDeepStrictEqual(object['status'], status)) return;
    api.update(type, object.metadata.namespace, object.metadata.name ?? '', { ...object, status }, { subresource: 'status', fieldManager: KKP_CONTROLLERS_MANAGER });
  }

  function faultOf(key: string, object: KubeObject, kind: 'Cluster' | 'Seed'): HealthFault | undefined {
    const fault = healthFaultOf(object.metadata.annotations, kind);
    if (fault === undefined || !('error' in fault)) {
      warned.delete(key);
      return fault;
    }
    if (warned.get(key) !== fault.error) {
      warned.set(key, fault.error);
      options.onWarning?.(`${kind}/${object.metadata.name ?? ''}: ${fault.error}; ignored`);
    }
    return undefined;
  }

  function resolveKubeconfig(seed: KubeObject): SeedKubeconfigResolution {
    const ref = ((seed['spec'] as Record<string, unknown> | undefined)?.['kubeconfig'] ?? {}) as { name?: string; namespace?: string; fieldPath?: string };
    const namespace = ref.namespace || seed.metadata.namespace || '';
    const secret = ref.name ? master.find(SECRETS, namespace, ref.name) : undefined;
    if (!secret) return { resolved: false, reason: 'KubeconfigUnavailable', message: `the kubeconfig Secret ${namespace}/${ref.name ?? ''} does not exist` };
    const encoded = (secret['data'] as Record<string, string> | undefined)?.[ref.fieldPath || 'kubeconfig'];
    if (encoded === undefined || encoded.length > MAX_KUBECONFIG_BYTES) return { resolved: false, reason: 'KubeconfigUnavailable', message: `the Secret ${namespace}/${ref.name} has no usable key "${ref.fieldPath || 'kubeconfig'}"` };
    let server: string | undefined;
    try {
      const config = parse(Buffer.from(encoded, 'base64').toString('utf8')) as { 'current-context'?: string; contexts?: Array<{ name?: string; context?: { cluster?: string } }>; clusters?: Array<{ name?: string; cluster?: { server?: string } }> };
      const clusterName = config.contexts?.find((c) => c.name === config['current-context'])?.context?.cluster;
      server = (config.clusters?.find((c) => c.name === clusterName) ?? config.clusters?.[0])?.cluster?.server;
    } catch {
      server = undefined;
    }
    const target = [...seeds.values()].find((s) => s.url === server);
    if (!target) return { resolved: false, reason: 'KubeconfigInvalid', message: 'the kubeconfig does not lead to a seed cluster of this sandbox' };
    const clusterType = typeIn(target.api, 'Cluster');
    return { resolved: true, clusterVersion: EMULATED_VERSION.gitVersion, clusters: clusterType ? target.api.list(clusterType, undefined).entries.length : 0 };
  }

  function reconcileSeed(namespace: string, name: string): void {
    const type = typeIn(master, 'Seed');
    const seed = type ? master.find(type, namespace, name) : undefined;
    if (!type || !seed) return;
    const status = desiredSeedStatus(seed, { kubeconfig: resolveKubeconfig(seed), fault: faultOf(`Seed\0${namespace}\0${name}`, seed, 'Seed'), kubermaticVersion, time: conditionTime(clock.now()) });
    writeStatus(master, type, seed, status);
  }

  function reconcileProject(name: string): void {
    const type = typeIn(master, 'Project');
    const project = type ? master.find(type, undefined, name) : undefined;
    if (!type || !project) return;
    const phase = project.metadata.deletionTimestamp ? 'Terminating' : 'Active';
    writeStatus(master, type, project, { ...((project['status'] as Record<string, unknown> | undefined) ?? {}), phase });
  }

  function reconcileCluster(seedName: string, name: string): void {
    const key = `Cluster\0${seedName}\0${name}`;
    const api = seeds.get(seedName)?.api;
    const type = api ? typeIn(api, 'Cluster') : undefined;
    const cluster = api && type ? api.find(type, undefined, name) : undefined;
    if (!api || !type || !cluster) {
      cancel(key);
      return;
    }
    const transition = pendingTransition(cluster);
    const id = transition === undefined ? undefined : transition.kind === 'create' ? `create:${cluster.metadata.uid ?? ''}` : `update:${transition.version}`;
    let due = false;
    if (id === undefined) cancel(key);
    else {
      let entry = pending.get(key);
      if (entry?.transition !== id) {
        cancel(key);
        entry = { transition: id, dueAt: clock.now() + delayMs, abort: new AbortController() };
        pending.set(key, entry);
        const { abort } = entry;
        void clock.sleep(delayMs, abort.signal).then(() => {
          if (!abort.signal.aborted) enqueue(key);
        });
      }
      due = clock.now() >= entry.dueAt;
    }
    const status = desiredClusterStatus(cluster, { fault: faultOf(key, cluster, 'Cluster'), due, kubermaticVersion, time: conditionTime(clock.now()) });
    writeStatus(api, type, cluster, status);
  }

  function cancel(key: string): void {
    pending.get(key)?.abort.abort();
    pending.delete(key);
  }

  const seedType = typeIn(master, 'Seed');
  const projectType = typeIn(master, 'Project');
  if (seedType) {
    unsubscribe.push(master.hub.subscribe(seedType.storageKey, (e) => enqueue(`Seed\0${e.object.metadata.namespace ?? ''}\0${e.object.metadata.name ?? ''}`)));
  }
  unsubscribe.push(master.hub.subscribe(SECRETS.storageKey, () => enqueueSeeds()));
  if (projectType) {
    unsubscribe.push(master.hub.subscribe(projectType.storageKey, (e) => enqueue(`Project\0\0${e.object.metadata.name ?? ''}`)));
    for (const { object } of master.list(projectType, undefined).entries) enqueue(`Project\0\0${object.metadata.name ?? ''}`);
  }
  for (const [seedName, { api }] of seeds) {
    const clusterType = typeIn(api, 'Cluster');
    if (!clusterType) continue;
    unsubscribe.push(
      api.hub.subscribe(clusterType.storageKey, (e) => {
        enqueue(`Cluster\0${seedName}\0${e.object.metadata.name ?? ''}`);
        if (e.type !== 'MODIFIED') enqueueSeeds();
      }),
    );
    for (const { object } of api.list(clusterType, undefined).entries) enqueue(`Cluster\0${seedName}\0${object.metadata.name ?? ''}`);
  }
  enqueueSeeds();

  return {
    stop() {
      stopped = true;
      for (const off of unsubscribe) off();
      for (const key of [...pending.keys()]) cancel(key);
      dirty.clear();
    },
  };
}
