import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ClusterClient, ClusterWatcher, ResourceKind, TargetConnector } from '../../../src/core/apply/cluster-client.js';
import type { KubeObject } from '../../../src/core/render/kube-object.js';
import { startEmulator, type EmulatedCluster } from '../../../src/emulator/start-emulator.js';
import { createKubeConnector } from '../../../src/kube/kube-connector.js';
import { createLiveStateCache, type LiveStateCache } from '../../../src/kube/live-cache/live-state-cache.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { parsePrometheusText } from '../../observability/http-helpers.js';
import { tokenKubeconfig } from '../../support/deploy-rbac.js';

const CONFIG_MAP: ResourceKind = { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true };
const IN_DEFAULT = { namespace: 'default' };

const configMap = (name: string, value: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { value } }) as KubeObject;
const valueOf = (objects: readonly KubeObject[], name: string) => (objects.find((o) => o.metadata.name === name) as { data?: { value?: string } } | undefined)?.data?.value;

/**
 * The server's live-state cache against the Kubernetes API emulator over HTTP (client-node lists and watches): one
 * list, then the watch; read-your-writes; a list again when the watch cannot resume (410 Gone) or went silent.
 */
describe('the live-state cache', () => {
  let cluster: EmulatedCluster;
  let connector: TargetConnector;
  let caches: LiveStateCache[] = [];

  beforeAll(async () => {
    // A short watch history, so that a watch resuming after a few writes finds its version expired.
    cluster = await startEmulator({ name: 'master', watchHistory: 5, bookmarkIntervalMs: 200 });
    connector = createKubeConnector({ kubeconfig: tokenKubeconfig(cluster.url, 'not-a-secret') });
  }, 30_000);

  afterEach(() => {
    for (const cache of caches) cache.stop();
    caches = [];
  });

  afterAll(async () => {
    await connector?.close?.();
    await cluster?.stop();
  });

  const newCache = (options: Parameters<typeof createLiveStateCache>[0] = {}) => {
    const cache = createLiveStateCache(options);
    caches.push(cache);
    return cache;
  };
  const lists = () => cluster.requests.entries.filter((r) => r.verb === 'list' && r.resource === 'configmaps').length;
  const direct = () => connector.master();
  const ageOf = (cache: LiveStateCache) => cache.ages().find((a) => a.kind === 'ConfigMap');

  it('lists a kind once, then answers reads from its watch, which sees writes made elsewhere', async () => {
    const master: ClusterClient = await newCache().connector(connector).master();
    await (await direct()).apply(configMap('first', 'one'), { force: true, dryRun: false });
    const before = lists();
    expect(valueOf(await master.list(CONFIG_MAP, IN_DEFAULT), 'first')).toBe('one');
    expect(lists()).toBe(before + 1);

    await (await direct()).apply(configMap('first', 'changed'), { force: true, dryRun: false });
    await (await direct()).apply(configMap('second', 'two'), { force: true, dryRun: false });
    await vi.waitFor(async () => {
      const objects = await master.list(CONFIG_MAP, IN_DEFAULT);
      expect([valueOf(objects, 'first'), valueOf(objects, 'second')]).toEqual(['changed', 'two']);
    }, { timeout: 10_000, interval: 20 });
    expect(lists()).toBe(before + 1);
  });

  it('shows its own apply and delete on the very next read', async () => {
    const cache = newCache();
    const master = await cache.connector(connector).master();
    await master.list(CONFIG_MAP, IN_DEFAULT);
    await master.apply(configMap('mine', 'written'), { force: true, dryRun: false });
    expect(valueOf(await master.list(CONFIG_MAP, IN_DEFAULT), 'mine')).toBe('written');
    await master.delete({ target: 'master', apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'mine' }, { dryRun: false });
    expect(valueOf(await master.list(CONFIG_MAP, IN_DEFAULT), 'mine')).toBeUndefined();
  });

  it('lists again when its watch cannot resume because the version it holds expired (410 Gone)', async () => {
    const ends: boolean[] = [];
    const cache = newCache({ resumeDelayMs: 20 });
    // The watch's ends, as the adapter reports them to the cache.
    const watcher = (await connector.master()).watcher!;
    const recording: ClusterWatcher = { ...watcher, watch: (kind, options, handlers) => watcher.watch(kind, options, { ...handlers, onEnd: (end) => (ends.push(end.expired), handlers.onEnd(end)) }) };
    const spied: ClusterClient = await cache.connector({ ...connector, master: async () => ({ ...(await connector.master()), watcher: recording }) }).master();
    await spied.list(CONFIG_MAP, IN_DEFAULT);
    const listed = lists();

    // The watch breaks; meanwhile more writes happen than the server remembers.
    await cluster.faults.refuseConnections();
    const type = cluster.api.typeOf('v1', 'ConfigMap')!;
    for (let i = 0; i < 8; i++) cluster.api.create(type, 'default', configMap(`churn-${i}`, String(i)) as never);
    await cluster.faults.acceptConnections();

    await vi.waitFor(() => expect(ends).toContain(true), { timeout: 10_000, interval: 20 });
    expect(ageOf(cache)?.synced).toBe(false);
    const objects = await spied.list(CONFIG_MAP, IN_DEFAULT);
    expect(lists()).toBe(listed + 1);
    expect(valueOf(objects, 'churn-7')).toBe('7');
    expect(ageOf(cache)?.synced).toBe(true);
  });

  it('lists again when its watch sent nothing, not even a bookmark, for longer than it trusts it', async () => {
    let now = Date.now();
    const cache = newCache({ now: () => now, staleAfterMs: 60_000 });
    const master = await cache.connector(connector).master();
    await master.list(CONFIG_MAP, IN_DEFAULT);
    const listed = lists();
    await master.list(CONFIG_MAP, IN_DEFAULT);
    expect(lists()).toBe(listed);
    // Bookmarks keep it current while the clock stands; once the clock passes the bound with none, it lists.
    now += 61_000;
    await master.list(CONFIG_MAP, IN_DEFAULT);
    expect(lists()).toBe(listed + 1);
    expect(ageOf(cache)).toMatchObject({ target: 'master', kind: 'ConfigMap', synced: true, ageSeconds: 0 });
  });

  it('keeps bookmarks moving its age on, and reports the age per target and kind', async () => {
    const cache = newCache();
    const master = await cache.connector(connector).master();
    await master.list(CONFIG_MAP, IN_DEFAULT);
    const first = cache.ages();
    expect(first).toEqual([expect.objectContaining({ target: 'master', kind: 'ConfigMap', synced: true })]);
    const listedAt = Date.now();
    // The emulator sends a bookmark every 200 ms: the cache's "last known current" moves past the list's time.
    await vi.waitFor(() => expect(Date.now() - (ageOf(cache)!.ageSeconds! * 1000)).toBeGreaterThan(listedAt), { timeout: 10_000, interval: 50 });
  });

  it('shows on /metrics, per target and kind, the cache’s age, whether its watch serves reads, and its objects', async () => {
    const cache = newCache();
    const metrics = createMetrics({ processMetrics: false });
    metrics.liveCache.observe(() => cache.ages());
    const scrape = async () => parsePrometheusText(await metrics.registry.metrics());
    expect((await scrape()).get('kkp_gitops_live_cache_synced{kind="ConfigMap",target="master"}')).toBeUndefined();
    const master = await cache.connector(connector).master();
    const objects = await master.list(CONFIG_MAP, IN_DEFAULT);
    const synced = await scrape();
    expect(synced.get('kkp_gitops_live_cache_synced{kind="ConfigMap",target="master"}')).toBe(1);
    expect(synced.get('kkp_gitops_live_cache_objects{kind="ConfigMap",target="master"}')).toBe(objects.length);
    expect(synced.get('kkp_gitops_live_cache_age_seconds{kind="ConfigMap",target="master"}')).toBeGreaterThanOrEqual(0);
    // A broken watch shows: the next read will list.
    await cluster.faults.refuseConnections();
    try {
      await vi.waitFor(async () => expect((await scrape()).get('kkp_gitops_live_cache_synced{kind="ConfigMap",target="master"}')).toBe(0), { timeout: 10_000, interval: 20 });
    } finally {
      await cluster.faults.acceptConnections();
    }
  });
});
