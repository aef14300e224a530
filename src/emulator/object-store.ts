/**
 * Storage of one virtual cluster: objects kept as JSON (the parsed object and its serialized text, so reads
 * never serialize again), addressed in O(1) by `<namespace>/<name>` within each resource, with one global
 * resourceVersion counter. Stored objects are never changed in place: writes replace the entry.
 */
import type { KubeObject } from './kube-object.js';

export interface StoredObject {
  readonly object: KubeObject;
  /** `JSON.stringify(object)`. */
  readonly json: string;
  readonly resourceVersion: number;
}

class Collection {
  readonly entries = new Map<string, StoredObject>();
  private sorted: StoredObject[] | undefined;
  private sortedKeys: string[] | undefined;

  set(key: string, entry: StoredObject): void {
    const had = this.entries.has(key);
    this.entries.set(key, entry);
    if (had && this.sorted && this.sortedKeys) {
      // Replacing keeps the order: patch the cached array in place of re-sorting.
      const index = binarySearch(this.sortedKeys, key);
      if (index >= 0) this.sorted[index] = entry;
      else this.invalidate();
    } else this.invalidate();
  }

  delete(key: string): void {
    if (this.entries.delete(key)) this.invalidate();
  }

  private invalidate(): void {
    this.sorted = undefined;
    this.sortedKeys = undefined;
  }

  /** Entries ordered by key, as etcd returns them; sorted once per change of membership. */
  ordered(): { keys: readonly string[]; entries: readonly StoredObject[] } {
    if (!this.sorted || !this.sortedKeys) {
      const keys = [...this.entries.keys()].sort();
      this.sortedKeys = keys;
      this.sorted = keys.map((k) => this.entries.get(k) as StoredObject);
    }
    return { keys: this.sortedKeys, entries: this.sorted };
  }
}

function binarySearch(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const k = keys[mid] as string;
    if (k === key) return mid;
    if (k < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export function objectKeyOf(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export class ObjectStore {
  private readonly collections = new Map<string, Collection>();
  private counter: number;

  constructor(initialResourceVersion = 1) {
    this.counter = initialResourceVersion;
  }

  /** The latest resourceVersion handed out. */
  get resourceVersion(): number {
    return this.counter;
  }

  /** Moves the counter forward (restoring persisted state); never backwards. */
  advanceTo(resourceVersion: number): void {
    if (resourceVersion > this.counter) this.counter = resourceVersion;
  }

  nextResourceVersion(): number {
    return ++this.counter;
  }

  private collection(storageKey: string): Collection {
    let c = this.collections.get(storageKey);
    if (!c) {
      c = new Collection();
      this.collections.set(storageKey, c);
    }
    return c;
  }

  get(storageKey: string, namespace: string | undefined, name: string): StoredObject | undefined {
    return this.collections.get(storageKey)?.entries.get(objectKeyOf(namespace, name));
  }

  put(storageKey: string, object: KubeObject, resourceVersion: number, json = JSON.stringify(object)): StoredObject {
    const entry: StoredObject = { object, json, resourceVersion };
    this.collection(storageKey).set(objectKeyOf(object.metadata.namespace, object.metadata.name ?? ''), entry);
    return entry;
  }

  remove(storageKey: string, namespace: string | undefined, name: string): void {
    this.collections.get(storageKey)?.delete(objectKeyOf(namespace, name));
  }

  /** Objects of a resource ordered by key; with a namespace, only that namespace's. */
  list(storageKey: string, namespace?: string): { keys: readonly string[]; entries: readonly StoredObject[] } {
    const all = this.collections.get(storageKey)?.ordered() ?? { keys: [], entries: [] };
    if (!namespace) return all;
    const prefix = `${namespace}/`;
    const keys: string[] = [];
    const entries: StoredObject[] = [];
    for (let i = 0; i < all.keys.length; i++) {
      const key = all.keys[i] as string;
      if (key.startsWith(prefix)) {
        keys.push(key);
        entries.push(all.entries[i] as StoredObject);
      }
    }
    return { keys, entries };
  }

  count(storageKey: string): number {
    return this.collections.get(storageKey)?.entries.size ?? 0;
  }

  dropCollection(storageKey: string): StoredObject[] {
    const c = this.collections.get(storageKey);
    this.collections.delete(storageKey);
    return c ? [...c.entries.values()] : [];
  }

  /** Everything stored, for persistence. */
  snapshot(): { resourceVersion: number; collections: Record<string, KubeObject[]> } {
    const collections: Record<string, KubeObject[]> = {};
    for (const [key, c] of this.collections) collections[key] = [...c.entries.values()].map((e) => e.object);
    return { resourceVersion: this.counter, collections };
  }
}
