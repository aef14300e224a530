import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stopAllBots, type BotProcess } from '../support/bot-process.js';
import { describeConvergence, type Convergence } from './cluster-convergence.js';
import { RECOVERY_ENV, startReliabilityHarness, waitFor, type ReliabilityHarness } from './reliability-harness.js';

const ZERO = '0'.repeat(40);

describe('redelivered and reordered pushes', () => {
  let h: ReliabilityHarness;
  let bot: BotProcess;

  beforeEach(async () => {
    h = await startReliabilityHarness();
    bot = h.bot({ extraEnv: RECOVERY_ENV });
    await bot.start();
  }, 60_000);

  afterEach(async () => {
    await h?.stop();
    await stopAllBots();
  });

  function expectConverged(c: Convergence): void {
    expect(c.missing, describeConvergence(c)).toEqual([]);
    expect(c.differing, describeConvergence(c)).toEqual([]);
    expect(c.extra, describeConvergence(c)).toEqual([]);
    expect(c.live).toBe(c.desired);
  }

  /** Cluster writes (create, update, patch, delete) every sandbox cluster answered so far. */
  function clusterWrites(): number {
    return [...h.sandbox.clusters.values()].reduce((n, c) => n + c.requests.entries.filter((r) => ['create', 'update', 'patch', 'delete'].includes(r.verb) && !r.resource.startsWith('leases')).length, 0);
  }

  it('applies a push delivered three times (twice with one delivery id, once with another) exactly once', async () => {
    const sha = h.git('rev-parse', 'HEAD');
    const push = h.push(ZERO, sha);
    const id = randomUUID();
    const answers = await Promise.all([h.deliver(bot, push, id), h.deliver(bot, push, id)]);
    for (const a of answers) expect(a.status).toBeLessThan(300);
    await h.waitForDeploy(sha);
    const writesAfterFirst = clusterWrites();
    // GitHub's redelivery of the same delivery id, and the same push under a new id (a proxy that repeats it).
    expect((await h.deliver(bot, push, id)).status).toBeLessThan(300);
    expect((await h.deliver(bot, push, randomUUID())).status).toBeLessThan(300);
    await h.waitForGitHubQuiet(1_500);

    const deployments = h.deploymentsOf(sha);
    expect(deployments.map((d) => d.environment), bot.output()).toEqual(['kkp/master', 'kkp/seed-eu', 'kkp/seed-us']);
    for (const d of deployments) expect(d.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(h.applyStatuses(sha)).toEqual(['pending', 'success']);
    expect(clusterWrites()).toBe(writesAfterFirst);
    expect(h.record('appliedCommit')).toBe(sha);
    expect(h.record('applyingCommit')).toBeUndefined();
    expectConverged(await h.convergence(sha));
  });

  it('never applies an older commit after a newer one when their pushes arrive in reverse order', async () => {
    const c0 = h.git('rev-parse', 'HEAD');
    await h.deliver(bot, h.push(ZERO, c0));
    await h.waitForDeploy(c0);
    const { after: c1 } = h.commitAndPush('first rename', () => h.changeEverywhere('first'));
    const { after: c2 } = h.commitAndPush('second rename', () => h.changeEverywhere('second'));

    // The newer push arrives first; the older one arrives while (or after) it is applied.
    const since = h.sandbox.clusters.get('seed-eu')!.requests.entries.length;
    await h.deliver(bot, h.push(c1, c2));
    await h.waitForRequest('seed-eu', { verb: 'patch' }, { since });
    await h.deliver(bot, h.push(c0, c1));
    await h.waitForDeploy(c2);
    await waitFor(() => h.applyStatuses(c1).length > 0, 15_000, () => `no outcome for the older commit ${c1.slice(0, 7)}\n${bot.output()}`);
    await h.waitForGitHubQuiet(1_500);

    // The older commit was not applied at all: no deployment, no cluster state of it.
    expect(h.deploymentsOf(c1), bot.output()).toEqual([]);
    for (const d of h.deploymentsOf(c2)) expect(d.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(h.record('appliedCommit')).toBe(c2);
    expectConverged(await h.convergence(c2));
  });

  it('applies pushes delivered in order one after the other, in commit order', async () => {
    const c0 = h.git('rev-parse', 'HEAD');
    const { after: c1 } = h.commitAndPush('first rename', () => h.changeEverywhere('first'));
    const { after: c2 } = h.commitAndPush('second rename', () => h.changeEverywhere('second'));
    await h.deliver(bot, h.push(ZERO, c0));
    await h.deliver(bot, h.push(c0, c1));
    await h.deliver(bot, h.push(c1, c2));
    await h.waitForDeploy(c2);
    await h.waitForGitHubQuiet(1_500);

    // Each commit applied at most once, and a commit's deployments never created after a newer commit's.
    const order = [c0, c1, c2];
    let newestSeen = -1;
    for (const d of [...h.gh.store.deployments].sort((a, b) => a.id - b.id)) {
      const index = order.indexOf(d.sha);
      expect(index, `deployment of ${d.sha.slice(0, 7)} after one of a newer commit`).toBeGreaterThanOrEqual(newestSeen);
      newestSeen = Math.max(newestSeen, index);
    }
    for (const sha of order) expect(h.deploymentsOf(sha).length === 0 || h.deploymentsOf(sha).length === 3).toBe(true);
    expect(h.record('appliedCommit')).toBe(c2);
    expectConverged(await h.convergence(c2));
  });
});
