import { PatchStrategy, Watch, type KubernetesObject } from '@kubernetes/client-node';
import { ApiRequestError } from '../core/apply/api-request-error.js';
import type { ApplyOptions, ClusterClient, DeleteOptions, ListOptions, ResourceKind, WatchEvent, WatchOptions } from '../core/apply/cluster-client.js';
import { ClusterUnreachableError } from '../core/errors.js';
import type { ObjectId } from '../core/object-id.js';
import type { KubeObject } from '../core/render/kube-object.js';
import { FIELD_MANAGER } from '../core/render/managed-labels.js';
import { callKubeApi, type CallOptions } from './call-kube-api.js';
import type { ClusterApi } from './object-api.js';

/**
 * The `ClusterClient` port over @kubernetes/client-node's `KubernetesObjectApi`: lists (paged), server-side apply
 * as `kkp-gitops`, deletes with a uid precondition, and watches through client-node's `Watch` (the health wait).
 */
export function clientNodeClusterClient(cluster: ClusterApi, options: CallOptions = {}): ClusterClient {
  const { target, server, api } = cluster;
  const call = <T>(what: string, fn: () => Promise<T>) => callKubeApi(target, server, what, fn, { timeoutSeconds: cluster.timeoutSeconds, ...options });
  return {
    target,
    async list(kind: ResourceKind, listOptions: ListOptions = {}): Promise<KubeObject[]> {
      const items: KubeObject[] = [];
      let token: string | undefined;
      do {
        const page = await call(`list ${kind.plural}`, () =>
          api.list(kind.apiVersion, kind.kind, listOptions.namespace, undefined, undefined, undefined, undefined, listOptions.labelSelector, undefined, token),
        );
        for (const item of page.items) items.push({ ...plain(item), apiVersion: kind.apiVersion, kind: kind.kind });
        token = page.metadata?._continue || undefined;
      } while (token);
      return items;
    },

    async apply(object: KubeObject, applyOptions: ApplyOptions): Promise<void> {
      await call('apply', () =>
        api.patch(object as KubernetesObject, undefined, applyOptions.dryRun ? 'All' : undefined, FIELD_MANAGER, applyOptions.force, PatchStrategy.ServerSideApply),
      );
    },

    async dryRunApply(object: KubeObject): Promise<KubeObject> {
      const answer = await call('dry-run apply', () => api.patch(object as KubernetesObject, undefined, 'All', FIELD_MANAGER, true, PatchStrategy.ServerSideApply));
      return { ...plain(answer), apiVersion: object.apiVersion, kind: object.kind };
    },

    async delete(id: ObjectId, deleteOptions: DeleteOptions): Promise<void> {
      const spec: KubernetesObject = { apiVersion: id.apiVersion, kind: id.kind, metadata: { name: id.name, ...(id.namespace ? { namespace: id.namespace } : {}) } };
      const body = { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background', ...(deleteOptions.uid ? { preconditions: { uid: deleteOptions.uid } } : {}) };
      try {
        await call('delete', () => api.delete(spec, undefined, deleteOptions.dryRun ? 'All' : undefined, undefined, undefined, 'Background', body));
      } catch (error) {
        // Already gone is what a delete wants.
        if (error instanceof ApiRequestError && error.status.code === 404) return;
        throw error;
      }
    },

    watch(kind: ResourceKind, watchOptions: WatchOptions, onEvent: (event: WatchEvent) => void): Promise<void> {
      return watchKind(cluster, kind, watchOptions, onEvent);
    },
  };
}

/** `/apis/kubermatic.k8c.io/v1/clusters`, `/api/v1/namespaces/kubermatic/secrets`. */
function collectionPath(kind: ResourceKind, namespace: string | undefined): string {
  const base = kind.apiVersion.includes('/') ? `/apis/${kind.apiVersion}` : `/api/${kind.apiVersion}`;
  const scope = kind.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${scope}/${kind.plural}`;
}

const WATCH_TYPES = new Set(['ADDED', 'MODIFIED', 'DELETED']);

function watchKind(cluster: ClusterApi, kind: ResourceKind, options: WatchOptions, onEvent: (event: WatchEvent) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (options.signal.aborted) return resolve();
    let controller: AbortController | undefined;
    const abort = () => controller?.abort();
    options.signal.addEventListener('abort', abort, { once: true });
    const finish = (error: unknown) => {
      options.signal.removeEventListener('abort', abort);
      // Our own abort ends the watch as asked; anything else the caller hears about (it opens a new watch).
      if (!error || options.signal.aborted) resolve();
      else reject(new ClusterUnreachableError(cluster.target, `${cluster.target}: the watch of ${kind.plural} at ${cluster.server} ended with an error`));
    };
    new Watch(cluster.kubeConfig)
      .watch(
        collectionPath(kind, options.namespace),
        { timeoutSeconds: options.timeoutSeconds, allowWatchBookmarks: false },
        (type: string, object: unknown) => {
          // ERROR (410 Expired) and BOOKMARK events carry no object of the kind: the caller reopens on the end.
          if (!WATCH_TYPES.has(type) || typeof object !== 'object' || object === null) return;
          onEvent({ type: type as WatchEvent['type'], object: { ...(object as KubeObject), apiVersion: kind.apiVersion, kind: kind.kind } });
        },
        finish,
      )
      .then((c) => {
        controller = c;
        if (options.signal.aborted) c.abort();
      }, finish);
  });
}

/**
 * client-node turns built-in kinds into class instances with `Date` timestamps; the core works on plain JSON data.
 * Custom resources (every KKP kind) arrive as plain JSON already and are taken as they are.
 */
function plain(object: KubernetesObject): KubeObject {
  return Object.getPrototypeOf(object) === Object.prototype ? (object as KubeObject) : (JSON.parse(JSON.stringify(object)) as KubeObject);
}
