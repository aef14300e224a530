/**
 * A map of at most `limit` entries: reading or writing an entry makes it the most recently used, and the least
 * recently used goes first when the map is full. A limit of 0 keeps nothing.
 */
export interface LruMap<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  /** Removes `key`; with `value`, only while the key still holds that value. */
  delete(key: string, value?: V): void;
  readonly size: number;
}

export function createLruMap<V>(limit: number): LruMap<V> {
  const entries = new Map<string, V>();
  return {
    get(key) {
      const value = entries.get(key);
      if (value === undefined) return undefined;
      entries.delete(key);
      entries.set(key, value);
      return value;
    },
    set(key, value) {
      if (limit <= 0) return;
      entries.delete(key);
      entries.set(key, value);
      while (entries.size > limit) entries.delete(entries.keys().next().value as string);
    },
    delete(key, value) {
      if (value === undefined || entries.get(key) === value) entries.delete(key);
    },
    get size() {
      return entries.size;
    },
  };
}
