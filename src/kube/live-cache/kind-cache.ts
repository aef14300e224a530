/**
 * The live objects of one kind on one target (one namespace, one label selector), kept current as gitops-engine's
 * cluster cache keeps them: one list, then a watch from the list's resourceVersion (with bookmarks), each event
 * applied to the map. The watch is resumed from the last version seen when the server closes it; a 410 Gone (the
 * version is too old), a watch that cannot be started, or one silent for longer than `staleAfterMs` (no event, no
 * bookmark) makes the next read list again, and that list restarts the watch. A read after a write through this
 * process (`invalidate`) lists again too: a plan right after an apply sees what the apply wrote.
 *
 * Memory is bounded: objects keep only what planning reads (`metadata.managedFields` only of kkp-gitops's own
 * apply), and a kind with more than `maxObjects` objects is not cached at all (each read lists).
 */
import type { ClusterWatcher, ListOptions, ResourceKind, WatchEventType } from '../../core/apply/cluster-client.js';
import type { KubeObject } from '../../core/render/kube-object.js';
import { FIELD_MANAGER } from '../../core/render/managed-labels.js';

export interface KindCacheOptions {
  /** Milliseconds now. Default: `Date.now`. */
  readonly now?: () => number;
  /** A watch with no event or bookmark for this long is not trusted: the next read lists. Default: 180,000 (3 min). */
  readonly staleAfterMs?: number;
  /** Objects kept at most; a kind with more is listed on every read instead. Default: 100,000. */
  readonly maxObjects?: number;
  /** Pause before resuming a watch the server closed; doubles (up to 5 s) while resumed watches end with no event. Default: 100 ms. */
  readonly resumeDelayMs?: number;
}

export interface KindCacheState {
  /** The cache answers reads without listing. */
  readonly synced: boolean;
  /** When the cache was last known current (the last list, event or bookmark); undefined before the first list. */
  readonly currentAt: number | undefined;
  readonly objects: number;
  /** Lists made (the first one, and every fall-back). */
  readonly lists: number;
}

export interface KindCache {
  /** The objects, from the cache when it is synced, else from a list through `watcher` (which then starts the watch). */
  read(watcher: ClusterWatcher): Promise<KubeObject[]>;
  /** Something was written through this process: the next read lists. */
  invalidate(): void;
  readonly state: KindCacheState;
  /** Stops the watch. */
  stop(): void;
}

/** Watches resumed in a row that end before any event; then the cache waits for the next read. */
const MAX_FRUITLESS_RESUMES = 6;

export const KIND_CACHE_DEFAULTS = { staleAfterMs: 180_000, maxObjects: 100_000, resumeDelayMs: 100 } as const;

export function createKindCache(kind: ResourceKind, listOptions: ListOptions, options: KindCacheOptions = {}): KindCache {
  const now = options.now ?? Date.now;
  const staleAfterMs = options.staleAfterMs ?? KIND_CACHE_DEFAULTS.staleAfterMs;
  const maxObjects = options.maxObjects ?? KIND_CACHE_DEFAULTS.maxObjects;
  const resumeDelayMs = options.resumeDelayMs ?? KIND_CACHE_DEFAULTS.resumeDelayMs;
  let objects = new Map<string, KubeObject>();
  let resourceVersion = '';
  let watching: { stop(): void } | undefined;
  let synced = false;
  let currentAt: number | undefined;
  let lists = 0;
  // Bumped by every invalidation and every watch that ends: a list started before it does not make the cache synced.
  let generation = 0;
  let listing: Promise<KubeObject[]> | undefined;
  let stopped = false;
  // Watches ended in a row without an event: the resume pause doubles with each.
  let fruitless = 0;

  const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const unsync = () => {
    synced = false;
    generation++;
    watching?.stop();
    watching = undefined;
  };

  const onEvent = (type: WatchEventType, object: KubeObject) => {
    const version = object.metadata?.resourceVersion;
    if (version) resourceVersion = version;
    currentAt = now();
    fruitless = 0;
    if (type === 'BOOKMARK') return;
    if (type === 'DELETED') objects.delete(keyOf(object));
    else objects.set(keyOf(object), slim(object));
    if (objects.size > maxObjects) unsync();
  };

  const startWatch = async (watcher: ClusterWatcher, from: number): Promise<void> => {
    try {
      const handle = await watcher.watch(kind, { ...listOptions, resourceVersion }, { onEvent, onEnd: (end) => onEnd(watcher, from, end.expired) });
      if (stopped || generation !== from) handle.stop();
      else watching = handle;
    } catch {
      if (generation === from) unsync();
    }
  };

  const onEnd = (watcher: ClusterWatcher, from: number, expired: boolean) => {
    if (stopped || generation !== from) return;
    watching = undefined;
    if (expired) return unsync();
    // Closed by the server (its timeout) or the connection: resume from the last version seen.
    // A target gone for good (a removed seed) is not retried for ever: after a few fruitless tries, the next read
    // lists (and fails, or starts afresh).
    if (fruitless >= MAX_FRUITLESS_RESUMES) return unsync();
    const pause = Math.min(resumeDelayMs * 2 ** fruitless++, 5_000);
    setTimeout(() => {
      if (!stopped && generation === from) void startWatch(watcher, from);
    }, pause).unref();
  };

  const listOnce = async (watcher: ClusterWatcher): Promise<KubeObject[]> => {
    unsync();
    const from = generation;
    lists++;
    const listed = await watcher.listVersioned(kind, listOptions);
    if (stopped || generation !== from) return listed.items;
    if (listed.items.length > maxObjects || !listed.resourceVersion) {
      objects = new Map();
      return listed.items;
    }
    objects = new Map(listed.items.map((o) => [keyOf(o), slim(o)]));
    resourceVersion = listed.resourceVersion;
    currentAt = now();
    synced = true;
    await startWatch(watcher, from);
    return [...objects.values()];
  };
  // Reads that need a list at the same time share one (until a write makes a new one necessary).
  const list = (watcher: ClusterWatcher): Promise<KubeObject[]> => {
    if (listing) return listing;
    const mine = listOnce(watcher).finally(() => {
      if (listing === mine) listing = undefined;
    });
    listing = mine;
    return mine;
  };

  return {
    async read(watcher) {
      if (synced && watching && currentAt !== undefined && now() - currentAt <= staleAfterMs) return [...objects.values()];
      return list(watcher);
    },
    invalidate() {
      unsync();
      listing = undefined;
    },
    get state() {
      return { synced: synced && watching !== undefined, currentAt, objects: objects.size, lists };
    },
    stop() {
      stopped = true;
      unsync();
      objects = new Map();
    },
  };
}

/** The object as planning reads it: managed fields only of kkp-gitops's own apply (the rest can be large). */
function slim(object: KubeObject): KubeObject {
  const managed = object.metadata.managedFields;
  if (!managed || managed.every((e) => e.manager === FIELD_MANAGER)) return object;
  const ours = managed.filter((e) => e.manager === FIELD_MANAGER);
  const { managedFields: _all, ...metadata } = object.metadata;
  return { ...object, metadata: ours.length > 0 ? { ...metadata, managedFields: ours } : metadata };
}
