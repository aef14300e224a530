import { createHash } from 'node:crypto';
import { PatchStrategy, Watch, type KubernetesObject } from '@kubernetes/client-node';
// The serializer client-node reads answers with (not re-exported by its index): turns its typed models back into the wire format.
import { ObjectSerializer } from '@kubernetes/client-node/dist/serializer.js';
import { ApiRequestError } from '../core/apply/api-request-error.js';
import type { ApplyOptions, ClusterClient, ClusterWatcher, DeleteOptions, ListOptions, ResourceKind, VersionedList, WatchEventType } from '../core/apply/cluster-client.js';
import type { ObjectId } from '../core/object-id.js';
import type { KubeObject } from '../core/render/kube-object.js';
import { FIELD_MANAGER } from '../core/render/managed-labels.js';
import { callKubeApi, type CallOptions } from './call-kube-api.js';
import type { ClusterApi } from './object-api.js';

/** Seconds a watch stays open before the server closes it (the cache then resumes from its last version). */
const WATCH_TIMEOUT_SECONDS = 300;

/**
 * The `ClusterClient` port over @kubernetes/client-node's `KubernetesObjectApi`: lists (paged), reads by name, server-side apply
 * as `kkp-gitops`, deletes with a uid precondition; and, for the server's live-state cache, lists with their
 * resourceVersion and watches (client-node's `Watch`, with bookmarks, on its own connection).
 */
export function clientNodeClusterClient(cluster: ClusterApi, options: CallOptions = {}): ClusterClient {
  const { target, server, api } = cluster;
  const call = <T>(what: string, fn: () => Promise<T>) => callKubeApi(target, server, what, fn, { timeoutSeconds: cluster.timeoutSeconds, ...options });
  const listVersioned = async (kind: ResourceKind, listOptions: ListOptions = {}): Promise<VersionedList> => {
    const items: KubeObject[] = [];
    let token: string | undefined;
    let resourceVersion = '';
    do {
      const page = await call(`list ${kind.plural}`, () =>
        api.list(kind.apiVersion, kind.kind, listOptions.namespace, undefined, undefined, undefined, undefined, listOptions.labelSelector, undefined, token),
      );
      for (const item of page.items) items.push({ ...plain(item), apiVersion: kind.apiVersion, kind: kind.kind });
      // A paged list is consistent at the first page's version.
      resourceVersion ||= page.metadata?.resourceVersion ?? '';
      token = page.metadata?._continue || undefined;
    } while (token);
    return { items, resourceVersion };
  };
  const watcher: ClusterWatcher = {
    key: `${server}\u0000${credentialHash(cluster)}`,
    listVersioned,
    async watch(kind, watchOptions, handlers) {
      const path = `${kind.apiVersion.includes('/') ? `/apis/${kind.apiVersion}` : `/api/${kind.apiVersion}`}${kind.namespaced && watchOptions.namespace ? `/namespaces/${encodeURIComponent(watchOptions.namespace)}` : ''}/${kind.plural}`;
      const query = {
        resourceVersion: watchOptions.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: WATCH_TIMEOUT_SECONDS,
        ...(watchOptions.labelSelector ? { labelSelector: watchOptions.labelSelector } : {}),
      };
      let expired = false;
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        handlers.onEnd({ expired });
      };
      const onEvent = (type: string, object: unknown) => {
        if (type === 'ERROR') {
          // The apiserver's "too old resource version": a Status with code 410 as the watch's last event.
          expired ||= (object as { code?: unknown } | undefined)?.code === 410;
          return;
        }
        if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED' && type !== 'BOOKMARK') return;
        if (typeof object !== 'object' || object === null) return;
        handlers.onEvent(type as WatchEventType, type === 'BOOKMARK' ? (object as KubeObject) : { ...(object as KubeObject), apiVersion: kind.apiVersion, kind: kind.kind });
      };
      const onDone = (error: unknown) => {
        expired ||= (error as { statusCode?: unknown } | null)?.statusCode === 410;
        end();
      };
      const controller = await new Watch(cluster.kubeConfig).watch(path, query, onEvent, onDone);
      return {
        stop: () => {
          ended = true;
          controller.abort();
        },
      };
    },
  };
  return {
    target,
    watcher,
    async list(kind: ResourceKind, listOptions: ListOptions = {}): Promise<KubeObject[]> {
      return (await listVersioned(kind, listOptions)).items;
    },

    async get(kind: ResourceKind, name: string, namespace?: string): Promise<KubeObject | undefined> {
      const spec = { apiVersion: kind.apiVersion, kind: kind.kind, metadata: { name, ...(namespace ? { namespace } : {}) } };
      try {
        const object = await call(`get ${kind.plural}`, () => api.read(spec));
        return { ...wire(object, kind), apiVersion: kind.apiVersion, kind: kind.kind };
      } catch (error) {
        if (error instanceof ApiRequestError && error.status.code === 404) return undefined;
        throw error;
      }
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
  };
}

/** A digest of the context's user (token, certificates): a cache is never shared across credentials. */
function credentialHash(cluster: ClusterApi): string {
  return createHash('sha256').update(JSON.stringify(cluster.kubeConfig.getCurrentUser() ?? {})).digest('hex').slice(0, 16);
}

/**
 * client-node turns built-in kinds into class instances with `Date` timestamps; the core works on plain JSON data.
 * Custom resources (every KKP kind) arrive as plain JSON already and are taken as they are.
 */
function plain(object: KubernetesObject): KubeObject {
  return Object.getPrototypeOf(object) === Object.prototype ? (object as KubeObject) : (JSON.parse(JSON.stringify(object)) as KubeObject);
}

/**
 * An answer as the API sent it. client-node reads built-in kinds into its models, whose property names are not
 * always the wire's (`x-kubernetes-preserve-unknown-fields` becomes `x_kubernetes_preserve_unknown_fields`, `enum`
 * `_enum` in a CRD's schema): serialized back with the model of the kind.
 */
function wire(object: KubernetesObject, kind: ResourceKind): KubeObject {
  if (Object.getPrototypeOf(object) === Object.prototype) return object as KubeObject;
  const version = kind.apiVersion.slice(kind.apiVersion.lastIndexOf('/') + 1);
  return ObjectSerializer.serialize(object, `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind.kind}`) as KubeObject;
}
