import { describe, expect, it } from 'vitest';
import type { BotProcess } from '../support/bot-process.js';
import { describeConvergence, type Convergence } from './cluster-convergence.js';
import { redelivery, reversedPushes, sharedDelivery } from './fault-scenarios.js';
import { RECOVERY_ENV, useReliabilityHarness } from './reliability-harness.js';

const ZERO = '0'.repeat(40);

describe('redelivered and reordered pushes', () => {
  const h = useReliabilityHarness();
  let bot: BotProcess;

  function expectConverged(c: Convergence): void {
    expect(c.missing, describeConvergence(c)).toEqual([]);
    expect(c.differing, describeConvergence(c)).toEqual([]);
    expect(c.extra, describeConvergence(c)).toEqual([]);
    expect(c.live).toBe(c.desired);
  }

  it('applies a push delivered three times (twice with one delivery id, once with another) exactly once', async () => {
    const report = await redelivery.run(h);
    expect(report.problems).toEqual([]);
    expect(report.convergence.live).toBe(report.convergence.desired);
  }, 240_000);

  it('applies each push once when two bots receive the same deliveries', async () => {
    const report = await sharedDelivery.run(h);
    expect(report.problems).toEqual([]);
    expect(report.convergence.live).toBe(report.convergence.desired);
  }, 240_000);

  it('never applies an older commit after a newer one when their pushes arrive in reverse order', async () => {
    const report = await reversedPushes.run(h);
    expect(report.problems).toEqual([]);
    expect(report.convergence.live).toBe(report.convergence.desired);
  }, 240_000);

  it('applies pushes delivered in order one after the other, in commit order', async () => {
    bot = h.bot({ extraEnv: RECOVERY_ENV });
    await bot.start();
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
  }, 240_000);
});
