/** Change events of one virtual cluster: fan-out to open watches, and a bounded history to resume from. */
import type { KubeObject } from './kube-object.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ChangeEvent {
  readonly type: WatchEventType;
  readonly storageKey: string;
  readonly object: KubeObject;
  /** The object's JSON text. */
  readonly json: string;
  readonly resourceVersion: number;
  /** For MODIFIED: the object before the change (watches with selectors turn leaving into DELETED). */
  readonly previous?: KubeObject;
}

export type ChangeListener = (event: ChangeEvent) => void;

export class WatchHub {
  private history: ChangeEvent[] = [];
  /** resourceVersion of the newest event dropped from the history (0: none dropped). */
  private compactedThrough = 0;
  private readonly listeners = new Map<string, Set<ChangeListener>>();

  constructor(private readonly capacity = 10_000) {}

  publish(event: ChangeEvent): void {
    this.history.push(event);
    if (this.history.length > this.capacity * 1.25) {
      const drop = this.history.length - this.capacity;
      this.compactedThrough = (this.history[drop - 1] as ChangeEvent).resourceVersion;
      this.history = this.history.slice(drop);
    }
    const set = this.listeners.get(event.storageKey);
    if (set) for (const listener of set) listener(event);
  }

  subscribe(storageKey: string, listener: ChangeListener): () => void {
    let set = this.listeners.get(storageKey);
    if (!set) {
      set = new Set();
      this.listeners.set(storageKey, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Events of a resource after `resourceVersion`, or `expired` when some of them were already dropped. */
  since(storageKey: string, resourceVersion: number): ChangeEvent[] | 'expired' {
    if (resourceVersion < this.compactedThrough) return 'expired';
    return this.history.filter((e) => e.resourceVersion > resourceVersion && e.storageKey === storageKey);
  }

  /** The oldest resourceVersion a watch can still start from. */
  get oldestResumable(): number {
    return this.compactedThrough;
  }
}
