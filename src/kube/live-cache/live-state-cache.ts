/**
 * The server's cache of live state: one `KindCache` (list, then watch) per target, kind, namespace and label
 * selector, shared by every reconcile of the process (pull-request plans, drift, the before-state of an apply). It
 * sits behind the `TargetConnector` seam: `connector(inner)` hands out the inner connector's clients with `list`
 * answered from the cache; applies and deletes go to the cluster as before and make the next read of their kind
 * list again (read-your-writes). Clients that cannot watch (no `watcher`), and the CLI (which never builds a cache),
 * list as before.
 *
 * A cache is used only with a client of the same cluster and credentials (`ClusterWatcher.key`): a seed whose
 * kubeconfig Secret changed starts afresh. `ages()` feeds `/metrics` (`kkp_gitops_live_cache_age_seconds`).
 */
import type { ClusterClient, ListOptions, ResourceKind, TargetConnector } from '../../core/apply/cluster-client.js';
import type { KubeObject } from '../../core/render/kube-object.js';
import { createKindCache, type KindCache, type KindCacheOptions } from './kind-cache.js';

export type LiveStateCacheOptions = KindCacheOptions;

export interface LiveCacheAge {
  readonly target: string;
  readonly kind: string;
  /** Seconds since the cache of this kind was last known current; undefined before its first list. */
  readonly ageSeconds: number | undefined;
  readonly synced: boolean;
  readonly objects: number;
  readonly lists: number;
}

export interface LiveStateCache {
  /** `inner`'s targets, with lists answered from the cache. Closing it closes `inner` (the watches stay). */
  connector(inner: TargetConnector): TargetConnector;
  /** Every cached kind of every target. */
  ages(): LiveCacheAge[];
  /** Stops every watch (shutdown). */
  stop(): void;
}

interface TargetEntry {
  readonly key: string;
  readonly kinds: Map<string, { readonly kind: string; readonly cache: KindCache }>;
}

export function createLiveStateCache(options: LiveStateCacheOptions = {}): LiveStateCache {
  const now = options.now ?? Date.now;
  const targets = new Map<string, TargetEntry>();

  const entryOf = (target: string, key: string): TargetEntry => {
    const known = targets.get(target);
    if (known?.key === key) return known;
    // Another cluster or other credentials behind the same target name: what was cached is not theirs.
    for (const { cache } of known?.kinds.values() ?? []) cache.stop();
    const fresh: TargetEntry = { key, kinds: new Map() };
    targets.set(target, fresh);
    return fresh;
  };
  const kindCache = (entry: TargetEntry, kind: ResourceKind, listOptions: ListOptions): KindCache => {
    const id = `${kind.apiVersion}/${kind.kind}\u0000${listOptions.namespace ?? ''}\u0000${listOptions.labelSelector ?? ''}`;
    let known = entry.kinds.get(id);
    if (!known) {
      known = { kind: kind.kind, cache: createKindCache(kind, listOptions, options) };
      entry.kinds.set(id, known);
    }
    return known.cache;
  };
  /** Every cached view of a kind (any namespace or selector) on the target: a write there makes each list again. */
  const invalidate = (entry: TargetEntry, object: Pick<KubeObject, 'apiVersion' | 'kind'>) => {
    const prefix = `${object.apiVersion}/${object.kind}\u0000`;
    for (const [id, { cache }] of entry.kinds) if (id.startsWith(prefix)) cache.invalidate();
  };

  const cached = (client: ClusterClient): ClusterClient => {
    const watcher = client.watcher;
    if (!watcher) return client;
    const entry = entryOf(client.target, watcher.key);
    return {
      ...client,
      list: (kind, listOptions = {}) => kindCache(entry, kind, listOptions).read(watcher),
      async apply(object, applyOptions) {
        try {
          await client.apply(object, applyOptions);
        } finally {
          if (!applyOptions.dryRun) invalidate(entry, object);
        }
      },
      async delete(id, deleteOptions) {
        try {
          await client.delete(id, deleteOptions);
        } finally {
          if (!deleteOptions.dryRun) invalidate(entry, id);
        }
      },
    };
  };

  return {
    connector(inner) {
      return {
        master: async () => cached(await inner.master()),
        seed: async (name, kubeconfig) => cached(await inner.seed(name, kubeconfig)),
        close: () => inner.close?.(),
      };
    },
    ages() {
      const at = now();
      return [...targets].flatMap(([target, entry]) =>
        [...entry.kinds.values()].map(({ kind, cache }) => {
          const { currentAt, synced, objects, lists } = cache.state;
          return { target, kind, ageSeconds: currentAt === undefined ? undefined : Math.max(0, (at - currentAt) / 1000), synced, objects, lists };
        }),
      );
    },
    stop() {
      for (const entry of targets.values()) for (const { cache } of entry.kinds.values()) cache.stop();
      targets.clear();
    },
  };
}
