import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stopAllBots, type BotProcess } from '../support/bot-process.js';
import { describeConvergence } from './cluster-convergence.js';
import { startReliabilityHarness, type ReliabilityHarness } from './reliability-harness.js';

describe('a Kubernetes API that fails 30% of its requests with 503', () => {
  let h: ReliabilityHarness;
  let bot: BotProcess;

  beforeEach(async () => {
    h = await startReliabilityHarness();
    bot = h.bot();
    await bot.start();
  }, 60_000);

  afterEach(async () => {
    await h?.stop();
    await stopAllBots();
  });

  it('still converges: every desired object live with its fields, none duplicated, no change lost', async () => {
    for (const cluster of h.sandbox.clusters.values()) cluster.faults.set({ failureRate: 0.3, failureStatus: 503 });
    const first = h.git('rev-parse', 'HEAD');
    await h.deliver(bot, h.push('0'.repeat(40), first));
    await h.waitForDeploy(first);
    expect(h.applyStatuses(first).at(-1), bot.output()).toBe('success');

    // A second commit changes an object on every target; it must arrive in full through the same faults.
    const { before, after } = h.commitAndPush('rename everywhere', () => h.changeEverywhere('under 503s'));
    await h.deliver(bot, h.push(before, after));
    await h.waitForDeploy(after);

    const injected = [...h.sandbox.clusters.values()].reduce((n, c) => n + c.requests.entries.filter((r) => r.injected).length, 0);
    expect(injected).toBeGreaterThan(10);
    for (const cluster of h.sandbox.clusters.values()) cluster.faults.clear();

    const convergence = await h.convergence(after);
    expect(convergence.missing, describeConvergence(convergence)).toEqual([]);
    expect(convergence.differing, describeConvergence(convergence)).toEqual([]);
    expect(convergence.extra, describeConvergence(convergence)).toEqual([]);
    expect(convergence.live).toBe(convergence.desired);
    for (const d of h.deploymentsOf(after)) expect(d.statuses.map((s) => s.state), `${d.environment}\n${bot.output()}`).toEqual(['in_progress', 'success']);
    expect(h.applyStatuses(after)).toEqual(['pending', 'success']);
  });
});
