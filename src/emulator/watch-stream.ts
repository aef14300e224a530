/**
 * A watch as the apiserver streams it: newline-delimited JSON events (ADDED, MODIFIED, DELETED, BOOKMARK,
 * ERROR), starting from the current state, from a resourceVersion (410 Expired when too old), or with
 * `sendInitialEvents`; closed after `timeoutSeconds`.
 */
import type { ServerResponse } from 'node:http';
import { expired } from './api-status.js';
import { type FieldRequirement, matchesFields } from './field-selector.js';
import type { KubeObject } from './kube-object.js';
import { type LabelSelector, matchesLabels } from './label-selector.js';
import { apiVersionOf, type ResourceType } from './resource-type.js';
import { type IncludeObject, toTable } from './table.js';
import type { VirtualCluster } from './virtual-cluster.js';
import type { ChangeEvent } from './watch-hub.js';

export interface WatchRequest {
  readonly type: ResourceType;
  readonly namespace?: string;
  readonly labelSelector: LabelSelector;
  readonly fieldSelector: readonly FieldRequirement[];
  readonly resourceVersion?: string;
  readonly allowBookmarks: boolean;
  readonly sendInitialEvents: boolean;
  readonly timeoutSeconds?: number;
  /** Each event's object as a Table (kubectl get -w). */
  readonly table?: { readonly include: IncludeObject };
  /** How often a BOOKMARK is sent when allowed, in ms. */
  readonly bookmarkIntervalMs: number;
}

export function streamWatch(cluster: VirtualCluster, res: ServerResponse, request: WatchRequest): void {
  const { type, namespace } = request;
  const contentType = request.table ? 'application/json;as=Table;v=v1;g=meta.k8s.io' : 'application/json';
  res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();

  const matches = (object: KubeObject): boolean =>
    (!type.namespaced || !namespace || object.metadata.namespace === namespace) &&
    matchesLabels(request.labelSelector, object.metadata.labels) &&
    matchesFields(request.fieldSelector, object);

  const send = (eventType: string, object: KubeObject, json: string): void => {
    if (request.table) {
      const table = toTable(type, [object], { resourceVersion: object.metadata.resourceVersion ?? '', include: request.table.include, nowMs: cluster.now().getTime() });
      res.write(`{"type":"${eventType}","object":${JSON.stringify(table)}}\n`);
    } else res.write(`{"type":"${eventType}","object":${json}}\n`);
  };
  const bookmark = (annotations?: Record<string, string>): void => {
    const metadata: Record<string, unknown> = { resourceVersion: String(cluster.store.resourceVersion), creationTimestamp: null };
    if (annotations) metadata['annotations'] = annotations;
    res.write(`${JSON.stringify({ type: 'BOOKMARK', object: { kind: type.kind, apiVersion: apiVersionOf(type), metadata } })}\n`);
  };

  /** An object entering the selection is ADDED for this watch, one leaving it DELETED, as the apiserver's cacher does. */
  function forward(event: ChangeEvent): void {
    const now = matches(event.object);
    const before = event.type === 'MODIFIED' && event.previous ? matches(event.previous) : now;
    if (now && before) send(event.type, event.object, event.json);
    else if (now) send('ADDED', event.object, event.json);
    else if (before) send('DELETED', event.object, event.json);
  }

  const rv = request.resourceVersion;
  const fromState = request.sendInitialEvents || rv === undefined || rv === '' || rv === '0';
  if (fromState) {
    for (const entry of cluster.store.list(type.storageKey, type.namespaced ? namespace : undefined).entries) {
      if (matches(entry.object)) send('ADDED', entry.object, entry.json);
    }
    if (request.sendInitialEvents && request.allowBookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
  } else {
    const since = Number(rv);
    const replay = Number.isFinite(since) ? cluster.hub.since(type.storageKey, since) : 'expired';
    if (replay === 'expired') {
      const status = expired(`too old resource version: ${rv} (${cluster.hub.oldestResumable})`);
      res.end(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
      return;
    }
    for (const event of replay) forward(event);
  }

  const unsubscribe = cluster.hub.subscribe(type.storageKey, forward);
  const timers: NodeJS.Timeout[] = [];
  if (request.allowBookmarks) timers.push(setInterval(() => bookmark(), request.bookmarkIntervalMs));
  if (request.timeoutSeconds && request.timeoutSeconds > 0) timers.push(setTimeout(() => res.end(), request.timeoutSeconds * 1000));
  for (const t of timers) t.unref();
  res.on('close', () => {
    unsubscribe();
    for (const t of timers) clearInterval(t);
  });
}
