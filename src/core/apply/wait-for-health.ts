/**
 * The wait after an apply: watches the objects a target's apply changed until KKP reports every one healthy
 * (`objectHealth`), one refused for good (`terminal`), or the target's timeout passes. One watch per kind of the
 * target through the client's `watcher` (a versioned list, then every change from its version; listed and watched
 * again when the server ends it); clients that cannot watch are listed at an interval instead. Kinds without a health notion (User, bindings, SSH keys) are healthy once stored,
 * which the apply already saw.
 */
import type { Clock } from '../../coordination/clock.js';
import { objectHealth, type HealthExpectations, type HealthState, type ObjectHealth } from '../health/object-health.js';
import { kindInfo } from '../kinds.js';
import { objectKey, type ObjectId } from '../object-id.js';
import type { KubeObject } from '../render/kube-object.js';
import type { ClusterClient, ClusterWatcher, ResourceKind } from './cluster-client.js';

/** Kinds whose status KKP's controllers write: the others are healthy once stored. */
const KINDS_WITH_HEALTH = new Set(['kubermatic.k8c.io/v1|Cluster', 'kubermatic.k8c.io/v1|Seed', 'kubermatic.k8c.io/v1|Project']);

export interface HealthWaitOptions {
  /** How long the target may take. */
  readonly timeoutMs: number;
  /** The one clock (`src/coordination/clock.ts`): timeout and reopening delays. */
  readonly clock: Clock;
  readonly expectations?: HealthExpectations;
  /** Delay before a watch is reopened after an error, and between lists of a client that cannot watch. Default: 1000. */
  readonly pollMs?: number;
  /** Called whenever the number of healthy objects, or the reasons of the first objects waited for, change. */
  readonly onProgress?: (progress: TargetHealthProgress) => void;
  readonly signal?: AbortSignal;
}

export interface WatchedObject {
  readonly id: ObjectId;
  readonly health: ObjectHealth;
}

export interface TargetHealthProgress {
  readonly target: string;
  readonly healthy: number;
  readonly total: number;
  /** The objects not healthy yet. */
  readonly waiting: readonly WatchedObject[];
}

/** A target's health after the wait. JSON-serializable (part of `ApplyResult.rollout`). */
export interface TargetHealth {
  readonly target: string;
  /** `healthy`: every object is; `unhealthy`: one was refused for good, or the timeout passed first. */
  readonly state: Exclude<HealthState, 'progressing'>;
  readonly timedOut: boolean;
  readonly healthy: number;
  readonly total: number;
  /** The objects that were not healthy at the verdict, with KKP's reasons. */
  readonly waiting: readonly WatchedObject[];
  /** Milliseconds from the start of the wait to its verdict. */
  readonly waitedMs: number;
}

const NOT_SEEN: ObjectHealth = { state: 'progressing', reasons: ['not seen yet'], components: [], terminal: false };
const NOT_FOUND: ObjectHealth = { state: 'progressing', reasons: ['not found'], components: [], terminal: false };
/** Objects whose reasons are part of a progress report: a change of theirs is reported, others only by count. */
const REPORTED_WAITING = 3;
const STORED: ObjectHealth = { state: 'healthy', reasons: [], components: [], terminal: false };

/** Waits for `ids` (objects of `client`'s target) to be healthy; never throws for the cluster's answers. */
export async function waitForHealth(client: ClusterClient, ids: readonly ObjectId[], options: HealthWaitOptions): Promise<TargetHealth> {
  const started = options.clock.now();
  const states = new Map<string, WatchedObject>();
  const byKind = new Map<string, { kind: ResourceKind; keys: Set<string> }>();
  for (const id of ids) {
    const key = objectKey(id);
    const info = kindInfo(id.apiVersion, id.kind);
    if (!info || !KINDS_WITH_HEALTH.has(`${id.apiVersion}|${id.kind}`)) {
      states.set(key, { id, health: STORED });
      continue;
    }
    states.set(key, { id, health: NOT_SEEN });
    const group = byKind.get(info.kind) ?? { kind: info, keys: new Set<string>() };
    group.keys.add(key);
    byKind.set(info.kind, group);
  }
  const stop = new AbortController();
  const abort = () => stop.abort();
  options.signal?.addEventListener('abort', abort, { once: true });
  let lastReport = '';
  const verdict = (): 'healthy' | 'terminal' | undefined => {
    const all = [...states.values()];
    const waiting = all.filter((o) => o.health.state !== 'healthy');
    const healthy = all.length - waiting.length;
    const report = JSON.stringify([healthy, waiting.slice(0, REPORTED_WAITING).map((o) => o.health.reasons)]);
    if (report !== lastReport) {
      lastReport = report;
      options.onProgress?.({ target: client.target, healthy, total: all.length, waiting });
    }
    if (healthy === all.length) return 'healthy';
    return all.some((o) => o.health.terminal) ? 'terminal' : undefined;
  };
  const observe = (target: string, object: KubeObject, gone: boolean) => {
    const key = objectKey({ target, apiVersion: object.apiVersion, kind: object.kind, ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}), name: object.metadata.name });
    const current = states.get(key);
    if (!current || current.health === STORED) return;
    states.set(key, { id: current.id, health: gone ? NOT_FOUND : objectHealth(object, options.expectations) });
    if (verdict() !== undefined) stop.abort();
  };
  try {
    if (verdict() !== undefined || byKind.size === 0) return finish(false);
    const pollMs = options.pollMs ?? 1000;
    const follow = async (kind: ResourceKind) => {
      while (!stop.signal.aborted) {
        try {
          const watcher = client.watcher;
          if (watcher) {
            // The current objects, then every change from their version, until the server ends the watch.
            const listed = await watcher.listVersioned(kind);
            for (const object of listed.items) observe(client.target, object, false);
            if (!stop.signal.aborted) await watchUntilEnd(watcher, kind, listed.resourceVersion, stop.signal, (type, object) => observe(client.target, object, type === 'DELETED'));
          } else {
            for (const object of await client.list(kind)) observe(client.target, object, false);
          }
        } catch {
          // Unreachable for a moment, or the watch broke: try again after the delay, until the timeout.
        }
        await options.clock.sleep(pollMs, stop.signal);
      }
    };
    await Promise.race([
      Promise.all([...byKind.values()].map((g) => follow(g.kind))),
      options.clock.sleep(options.timeoutMs, stop.signal).then(() => stop.abort()),
    ]);
    return finish(verdict() === undefined);
  } finally {
    stop.abort();
    options.signal?.removeEventListener('abort', abort);
  }

  function finish(timedOut: boolean): TargetHealth {
    const objects = [...states.values()];
    const waiting = objects.filter((o) => o.health.state !== 'healthy');
    const ok = waiting.length === 0;
    return { target: client.target, state: ok ? 'healthy' : 'unhealthy', timedOut: !ok && timedOut, healthy: objects.length - waiting.length, total: objects.length, waiting, waitedMs: options.clock.now() - started };
  }
}

/** One watch from `resourceVersion`; resolves when it ends (the server closed it, it broke) or `signal` aborts. */
function watchUntilEnd(watcher: ClusterWatcher, kind: ResourceKind, resourceVersion: string, signal: AbortSignal, onEvent: (type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    let handle: { stop(): void } | undefined;
    const abort = () => {
      handle?.stop();
      resolve();
    };
    signal.addEventListener('abort', abort, { once: true });
    const ended = () => {
      signal.removeEventListener('abort', abort);
      resolve();
    };
    watcher
      .watch(kind, { resourceVersion }, { onEvent: (type, object) => void (type !== 'BOOKMARK' && onEvent(type, object)), onEnd: ended })
      .then((h) => {
        handle = h;
        if (signal.aborted) h.stop();
      }, ended);
  });
}
