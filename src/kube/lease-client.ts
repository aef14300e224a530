/**
 * The `LeaseStore` of the coordination code over @kubernetes/client-node's CoordinationV1Api, on the KKP master
 * (the same kubeconfig, context or in-cluster settings as the rest of the app), in the `kubermatic` namespace.
 * Replaces carry the resourceVersion they were based on; the API's 409 becomes `LeaseConflictError`. A waiting lock
 * holder learns of a release through a watch of the one Lease (`fieldSelector=metadata.name=…`) from the version it
 * read.
 */
import { CoordinationV1Api, V1MicroTime, Watch, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { ApiRequestError } from '../core/apply/api-request-error.js';
import { KKP_NAMESPACE } from '../core/kinds.js';
import { LeaseConflictError, type LeaseState, type LeaseStore, type LeaseWrite } from '../coordination/lease-store.js';
import { callKubeApi } from './call-kube-api.js';
import { masterKubeConfig } from './kube-connector.js';
import { allowPlainHttp } from './object-api.js';
import { kubeTimeoutSecondsFromEnv, makeTimedApiClient } from './request-timeout.js';

export interface LeaseClientOptions {
  /** A kubeconfig as YAML/JSON text or a plain object (the sandbox's). Wins over `kubeconfigFile`. */
  readonly kubeconfig?: string | object;
  /** Path of a kubeconfig file. Default: `$KUBECONFIG`, `~/.kube/config`, else in-cluster. */
  readonly kubeconfigFile?: string;
  /** Use the pod's service account. Default: false. */
  readonly inCluster?: boolean;
  /** The master's context. Default: the current context. */
  readonly context?: string;
  /** Default: `kubermatic`. */
  readonly namespace?: string;
}

export function createLeaseStore(options: LeaseClientOptions = {}): LeaseStore {
  const namespace = options.namespace ?? KKP_NAMESPACE;
  let client: { api: CoordinationV1Api; server: string; kc: KubeConfig } | undefined;
  const connect = () => (client ??= coordinationApi(options));
  const call = <T>(what: string, run: (api: CoordinationV1Api) => Promise<T>): Promise<T> => {
    const { api, server } = connect();
    return callKubeApi('master', server, what, () => run(api), { timeoutSeconds: kubeTimeoutSecondsFromEnv() });
  };
  const conflicts = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (error instanceof ApiRequestError && error.status.code === 409) throw new LeaseConflictError(`${what}: ${error.message}`, { cause: error });
      throw error;
    }
  };

  return {
    namespace,
    async get(name) {
      try {
        return fromLease(await call(`read Lease ${namespace}/${name}`, (api) => api.readNamespacedLease({ name, namespace })));
      } catch (error) {
        if (error instanceof ApiRequestError && error.status.code === 404) return undefined;
        throw error;
      }
    },
    create(lease) {
      const what = `create Lease ${namespace}/${lease.name}`;
      return conflicts(what, async () => fromLease(await call(what, (api) => api.createNamespacedLease({ namespace, body: toLease(lease, namespace) }))));
    },
    replace(lease, resourceVersion) {
      const what = `replace Lease ${namespace}/${lease.name}`;
      return conflicts(what, async () => fromLease(await call(what, (api) => api.replaceNamespacedLease({ name: lease.name, namespace, body: toLease(lease, namespace, resourceVersion) }))));
    },
    async delete(name, resourceVersion) {
      try {
        await call(`delete Lease ${namespace}/${name}`, (api) => api.deleteNamespacedLease({ name, namespace, body: { preconditions: { resourceVersion } } }));
        return true;
      } catch (error) {
        if (error instanceof ApiRequestError && (error.status.code === 404 || error.status.code === 409)) return false;
        throw error;
      }
    },
    async list(labels) {
      const labelSelector = Object.entries(labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      const list = await call(`list Leases in ${namespace}`, (api) => api.listNamespacedLease({ namespace, labelSelector }));
      return list.items.map(fromLease);
    },
    released(name, resourceVersion, signal) {
      return new Promise<void>((resolve) => {
        if (signal.aborted) return resolve();
        let watching: AbortController | undefined;
        const stop = () => {
          watching?.abort();
          resolve();
        };
        signal.addEventListener('abort', stop, { once: true });
        const path = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases`;
        const query = { fieldSelector: `metadata.name=${name}`, resourceVersion, allowWatchBookmarks: true };
        const onEvent = (type: string, object: V1Lease) => {
          if (type === 'DELETED' || ((type === 'ADDED' || type === 'MODIFIED') && !object?.spec?.holderIdentity)) stop();
        };
        // A watch that ends or fails leaves the promise to the caller's timer (and its abort).
        new Watch(connect().kc)
          .watch(path, query, onEvent, () => undefined)
          .then((controller) => {
            watching = controller;
            if (signal.aborted) controller.abort();
          })
          .catch(() => undefined);
      });
    },
  };
}

function coordinationApi(options: LeaseClientOptions): { api: CoordinationV1Api; server: string; kc: KubeConfig } {
  const kc = allowPlainHttp(masterKubeConfig(options));
  return { api: makeTimedApiClient(kc, CoordinationV1Api), server: kc.getCurrentCluster()?.server ?? '', kc };
}

function toLease(lease: LeaseWrite, namespace: string, resourceVersion?: string): V1Lease {
  const time = (ms: number | undefined) => (ms === undefined ? undefined : new V1MicroTime(ms));
  const spec: NonNullable<V1Lease['spec']> = {};
  if (lease.holderIdentity) spec.holderIdentity = lease.holderIdentity;
  if (lease.leaseDurationSeconds !== undefined) spec.leaseDurationSeconds = lease.leaseDurationSeconds;
  const acquire = time(lease.acquireTime);
  if (acquire) spec.acquireTime = acquire;
  const renew = time(lease.renewTime);
  if (renew) spec.renewTime = renew;
  if (lease.leaseTransitions !== undefined) spec.leaseTransitions = lease.leaseTransitions;
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: lease.name, namespace, labels: { ...lease.labels }, annotations: { ...lease.annotations }, ...(resourceVersion ? { resourceVersion } : {}) },
    spec,
  };
}

function fromLease(lease: V1Lease): LeaseState {
  const time = (value: unknown): number | undefined => {
    if (value === undefined || value === null || value === '') return undefined;
    const ms = new Date(value as string | Date).getTime();
    return Number.isNaN(ms) ? undefined : ms;
  };
  const spec = lease.spec ?? {};
  const acquireTime = time(spec.acquireTime);
  const renewTime = time(spec.renewTime);
  return {
    name: lease.metadata?.name ?? '',
    resourceVersion: lease.metadata?.resourceVersion ?? '',
    labels: { ...(lease.metadata?.labels ?? {}) },
    annotations: { ...(lease.metadata?.annotations ?? {}) },
    ...(spec.holderIdentity ? { holderIdentity: spec.holderIdentity } : {}),
    ...(spec.leaseDurationSeconds !== undefined ? { leaseDurationSeconds: spec.leaseDurationSeconds } : {}),
    ...(acquireTime !== undefined ? { acquireTime } : {}),
    ...(renewTime !== undefined ? { renewTime } : {}),
    ...(spec.leaseTransitions !== undefined ? { leaseTransitions: spec.leaseTransitions } : {}),
  };
}
