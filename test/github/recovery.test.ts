import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAppliedRecord, recordAnnotations } from '../../src/coordination/applied-record.js';
import { leaseNameFor } from '../../src/coordination/lease-name.js';
import type { LeaseStore } from '../../src/coordination/lease-store.js';
import { APPLY_STATUS_CONTEXT } from '../../src/github/deploy-push.js';
import { createLeaseStore } from '../../src/kube/lease-client.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { parsePrometheusText } from '../observability/http-helpers.js';
import { deliverWebhook } from '../support/github-server/deliver-webhook.js';
import { pushDelivery } from '../support/github-server/webhook-payloads.js';
import { compareWithSandbox, desiredAt, describeConvergence } from '../reliability/cluster-convergence.js';
import { startAppHarness, startAppInstance, type AppHarness, type AppInstance } from './app-harness.js';

const CLUSTER_FILE = 'projects/webshop7k2/clusters/shop-staging-eu.yaml';
const ZERO = '0'.repeat(40);
const WRITE_VERBS = ['create', 'update', 'patch', 'delete'];

/**
 * Two replicas of the app (each its own Probot server, queue, mirrors and lock holder identity) sharing the sandbox's
 * Leases and the local GitHub server: exactly-once, in-order reconciles and restart recovery.
 */
describe('exactly-once reconciles across replicas and restart recovery', () => {
  let h: AppHarness;
  let second: AppInstance;
  let leases: LeaseStore;
  // The second replica's queue depth, as every change set it.
  const depths: number[] = [];
  const secondMetrics = createMetrics({ processMetrics: false });
  const recordingMetrics: Metrics = { ...secondMetrics, queueDepth: { set: (depth) => (depths.push(depth), secondMetrics.queueDepth.set(depth)) } };
  const secondCache = mkdtempSync(join(tmpdir(), 'kkp-app-cache-2-'));

  beforeAll(async () => {
    h = await startAppHarness();
    second = await startAppInstance(h.gh, h.sandbox, { cacheDir: secondCache, coordination: { holderIdentity: 'replica-2' }, metrics: recordingMetrics });
    leases = createLeaseStore({ kubeconfig: h.sandbox.kubeconfigYaml });
  }, 60_000);

  afterAll(async () => {
    await second?.stop();
    await h?.stop();
    rmSync(secondCache, { recursive: true, force: true });
  });

  const lease = () => leases.get(leaseNameFor(h.repo.fullName));
  const record = async () => readAppliedRecord((await lease())!);
  const deploymentsOf = (sha: string) => h.gh.store.deployments.filter((d) => d.sha === sha);
  const applyStatuses = (sha: string) => h.gh.store.statuses.filter((s) => s.context === APPLY_STATUS_CONTEXT && s.sha === sha);
  const environments = () => ['kkp/master', ...h.sandbox.seeds.map((s) => `kkp/${s}`)].sort();

  function humanReadableName(name: string): unknown {
    const api = h.sandbox.clusters.get('seed-eu')!.api;
    const cluster = api.find(api.typeOf('kubermatic.k8c.io/v1', 'Cluster')!, undefined, name) as { spec: { humanReadableName?: string } } | undefined;
    return cluster?.spec.humanReadableName;
  }

  /** Cluster writes (not Leases) since `since` per cluster, as `<cluster> <verb> <path>`. */
  function clusterWrites(since: Map<string, number>): string[] {
    return [...h.sandbox.clusters.values()].flatMap((c) =>
      c.requests.entries
        .slice(since.get(c.name) ?? 0)
        .filter((r) => WRITE_VERBS.includes(r.verb) && !r.dryRun && !r.path.includes('/leases'))
        .map((r) => `${c.name} ${r.verb} ${r.path}`),
    );
  }
  const requestMarks = () => new Map([...h.sandbox.clusters.values()].map((c) => [c.name, c.requests.entries.length]));

  /** Commits a new humanReadableName on main and pushes it (no delivery). */
  function commitName(name: string): string {
    h.git('checkout', '--quiet', 'main');
    const file = join(h.work, CLUSTER_FILE);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/humanReadableName: .*/, `humanReadableName: ${name}`));
    const sha = h.commitAll(`rename to ${name}`);
    h.git('push', '--quiet', 'origin', 'main');
    return sha;
  }

  async function expectConverged(commit: string): Promise<void> {
    const desired = await desiredAt(h.repo.gitDir, commit, h.repo.fullName);
    const convergence = compareWithSandbox(desired, h.sandbox);
    expect(convergence.desired).toBeGreaterThan(0);
    expect(convergence.missing, describeConvergence(convergence)).toEqual([]);
    expect(convergence.differing, describeConvergence(convergence)).toEqual([]);
    expect(convergence.extra, describeConvergence(convergence)).toEqual([]);
  }

  it('applies a push delivered to both replicas once, with one set of deployments and one apply status', async () => {
    const sha = h.gh.branchSha(h.repo, 'main');
    const marks = requestMarks();
    const delivery = pushDelivery(h.gh, h.repo, 'main', ZERO);
    const id = 'same-delivery-to-both';
    const answers = await Promise.all([deliverWebhook(h.webhookUrl, h.gh.app.webhookSecret, delivery, id), deliverWebhook(second.webhookUrl, h.gh.app.webhookSecret, delivery, id)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    await Promise.all([h.app.idle(), second.app.idle()]);

    const deployments = deploymentsOf(sha);
    expect(deployments.map((d) => d.environment).sort()).toEqual(environments());
    for (const d of deployments) expect(d.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(applyStatuses(sha).map((s) => s.state)).toEqual(['pending', 'success']);
    // Every object was written by one replica only: no path is written twice.
    const writes = clusterWrites(marks);
    expect(writes.length).toBeGreaterThan(0);
    expect(new Set(writes).size).toBe(writes.length);
    const now = (await lease())!;
    expect(now.holderIdentity).toBeUndefined();
    expect(readAppliedRecord(now)).toMatchObject({ repository: h.repo.fullName, installationId: h.repo.installationId, defaultBranch: 'main', appliedCommit: sha, deployments: [] });
    expect(readAppliedRecord(now)?.applyingCommit).toBeUndefined();
    await expectConverged(sha);
  });

  it('never applies an older commit after a newer one when pushes arrive out of order', async () => {
    const base = h.gh.branchSha(h.repo, 'main');
    const older = commitName('Shop staging older');
    const newer = commitName('Shop staging newer');
    await deliverWebhook(h.webhookUrl, h.gh.app.webhookSecret, pushDelivery(h.gh, h.repo, 'main', older, 'octocat', newer));
    await h.app.idle();
    expect(humanReadableName('shop-staging-eu')).toBe('Shop staging newer');
    const marks = requestMarks();
    await deliverWebhook(second.webhookUrl, h.gh.app.webhookSecret, pushDelivery(h.gh, h.repo, 'main', base, 'octocat', older));
    await second.app.idle();

    expect(clusterWrites(marks)).toEqual([]);
    expect(humanReadableName('shop-staging-eu')).toBe('Shop staging newer');
    expect(deploymentsOf(older)).toEqual([]);
    expect(deploymentsOf(newer).map((d) => d.environment).sort()).toEqual(environments());
    expect(applyStatuses(older).map((s) => [s.state, s.description])).toEqual([['success', `Superseded by ${newer.slice(0, 7)}: not applied (a newer commit is applied)`]]);
    expect((await record())?.appliedCommit).toBe(newer);
    await expectConverged(newer);
  });

  it('skips a redelivery of the applied commit without writing anything', async () => {
    const head = h.gh.branchSha(h.repo, 'main');
    const since = h.gh.requests.length;
    const marks = requestMarks();
    await deliverWebhook(second.webhookUrl, h.gh.app.webhookSecret, pushDelivery(h.gh, h.repo, 'main', ZERO));
    await second.app.idle();
    expect(h.gh.writes(since)).toEqual([]);
    expect(clusterWrites(marks)).toEqual([]);
  });

  it('finishes an interrupted reconcile on recovery: the dead holder’s deployment gets a final status, the head is applied', async () => {
    const applied = h.gh.branchSha(h.repo, 'main');
    const head = commitName('Shop staging recovered');
    // A process died mid-apply of `head`: its record names the commit and a deployment left in progress, and nobody
    // holds the lock any more (its lease was released or expired).
    const orphan = { id: h.gh.store.nextId(), repositoryId: h.repo.id, sha: head, ref: head, task: 'deploy', environment: 'kkp/seed-eu', description: 'kkp-gitops apply', payload: {}, productionEnvironment: true, transientEnvironment: false, createdAt: new Date().toISOString(), statuses: [{ id: h.gh.store.nextId(), state: 'in_progress', description: 'Applying', environment: 'kkp/seed-eu', logUrl: '', environmentUrl: '', createdAt: new Date().toISOString() }] };
    h.gh.store.deployments.push(orphan);
    const current = (await lease())!;
    const before = readAppliedRecord(current)!;
    await leases.replace(
      { ...current, holderIdentity: undefined, annotations: recordAnnotations({ ...before, applyingCommit: head, applyingHolder: 'dead-pod', deployments: [orphan.id] }) },
      current.resourceVersion,
    );
    expect(humanReadableName('shop-staging-eu')).not.toBe('Shop staging recovered');

    const results = await h.app.recover();

    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ repository: h.repo.fullName, action: 'reconciled', head, appliedCommit: applied, interruptedCommit: head });
    expect(results[0]!.outcome?.finalizedDeployments).toEqual([orphan.id]);
    expect(orphan.statuses.map((s) => s.state)).toEqual(['in_progress', 'error']);
    expect(orphan.statuses[1]!.description).toMatch(/^Interrupted \(dead-pod\); re-applied by /);
    const fresh = deploymentsOf(head).filter((d) => d.id !== orphan.id);
    expect(fresh.map((d) => d.environment).sort()).toEqual(environments());
    for (const d of fresh) expect(d.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(applyStatuses(head).map((s) => s.state)).toEqual(['pending', 'success']);
    const after = (await record())!;
    expect(after.appliedCommit).toBe(head);
    expect(after.applyingCommit).toBeUndefined();
    expect(after.deployments).toEqual([]);
    expect(humanReadableName('shop-staging-eu')).toBe('Shop staging recovered');
    await expectConverged(head);
  });

  it('finds nothing to do on the next recovery pass once the head is applied', async () => {
    const since = h.gh.requests.length;
    const results = await second.app.recover();
    expect(results).toEqual([expect.objectContaining({ repository: h.repo.fullName, action: 'up-to-date' })]);
    expect(h.gh.writes(since)).toEqual([]);
  });

  it('applies on recovery a head whose push was never delivered', async () => {
    const head = commitName('Shop staging undelivered');
    depths.length = 0;
    const results = await second.app.recover();
    expect(results[0]).toMatchObject({ action: 'reconciled', head });
    expect(results[0]!.outcome).toMatchObject({ ok: true });
    expect((await record())?.appliedCommit).toBe(head);
    expect(humanReadableName('shop-staging-eu')).toBe('Shop staging undelivered');
    await expectConverged(head);
  });

  it('counts recovery’s reconcile in the queue-depth gauge while it runs and brings the gauge back to 0 after', async () => {
    // The pass of the previous test: its reconcile entered the queue, and left it.
    await second.app.idle();
    expect(Math.max(...depths)).toBeGreaterThan(0);
    expect(depths.at(-1)).toBe(0);
    const scraped = parsePrometheusText(await secondMetrics.registry.getSingleMetricAsString('kkp_gitops_queue_depth'));
    expect(scraped.get('kkp_gitops_queue_depth')).toBe(0);
  });
});
