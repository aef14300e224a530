import { describe, expect, it } from 'vitest';
import type { BotProcess } from '../support/bot-process.js';
import { describeConvergence } from './cluster-convergence.js';
import { seedOutage } from './fault-scenarios.js';
import { RECOVERY_ENV, useReliabilityHarness } from './reliability-harness.js';

describe('a seed that refuses connections in the middle of an apply', () => {
  const h = useReliabilityHarness();
  let bot: BotProcess;

  /** Applies the first commit while seed-us goes down after the master's first write; returns its SHA. */
  async function applyWhileSeedUsGoesDown(): Promise<string> {
    const sha = h.git('rev-parse', 'HEAD');
    const master = h.sandbox.clusters.get('master')!;
    const seedUs = h.sandbox.clusters.get('seed-us')!;
    // Slow the master so that the seed goes down between the master's stages and the seeds' Cluster stage.
    master.faults.set({ latencyMs: 60 });
    await h.deliver(bot, h.push('0'.repeat(40), sha));
    await h.waitForRequest('master', { verb: 'patch', dryRun: false });
    await seedUs.faults.refuseConnections();
    master.faults.clear();
    await h.waitForDeploy(sha);
    return sha;
  }

  function lastState(sha: string, environment: string): string | undefined {
    return h.deploymentsOf(sha).filter((d) => d.environment === environment).at(-1)?.statuses.at(-1)?.state;
  }

  async function expectPartialApply(sha: string): Promise<void> {
    expect(lastState(sha, 'kkp/master'), bot.output(4_000)).toBe('success');
    expect(lastState(sha, 'kkp/seed-eu'), bot.output(4_000)).toBe('success');
    expect(['failure', 'error'], bot.output(4_000)).toContain(lastState(sha, 'kkp/seed-us'));
    expect(['failure', 'error']).toContain(h.applyStatuses(sha).at(-1));
    const partial = await h.convergence(sha);
    // Everything the master and seed-eu should hold is there; only seed-us' objects are missing.
    expect(partial.missing.length, describeConvergence(partial)).toBeGreaterThan(0);
    expect(partial.missing.every((id) => id.startsWith('seed-us: ')), describeConvergence(partial)).toBe(true);
    expect(partial.differing.filter((id) => !id.startsWith('seed-us: ')), describeConvergence(partial)).toEqual([]);
    expect(partial.extra).toEqual([]);
  }

  it('finishes the master and the other seed, reports the seed as failed, and completes it on the next reconcile once it is back', async () => {
    // Recovery only on start: here the next push, not the periodic recovery, brings seed-us up to date.
    bot = h.bot({ extraEnv: { ...RECOVERY_ENV, KKP_GITOPS_RECOVERY_INTERVAL_SECONDS: '0' } });
    await bot.start();
    const sha = await applyWhileSeedUsGoesDown();
    await expectPartialApply(sha);

    await h.sandbox.clusters.get('seed-us')!.faults.acceptConnections();
    const { before, after } = h.commitAndPush('rename everywhere', () => h.changeEverywhere('after the outage'));
    await h.deliver(bot, h.push(before, after));
    await h.waitForDeploy(after);
    for (const d of h.deploymentsOf(after)) expect(d.statuses.at(-1)?.state, `${d.environment}\n${bot.output(4_000)}`).toBe('success');
    const convergence = await h.convergence(after);
    expect(convergence.missing, describeConvergence(convergence)).toEqual([]);
    expect(convergence.differing, describeConvergence(convergence)).toEqual([]);
    expect(convergence.extra, describeConvergence(convergence)).toEqual([]);
  }, 240_000);

  it('retries the failed seed by itself once it is back, and its deployment then shows success', async () => {
    const report = await seedOutage.run(h);
    expect(report.problems).toEqual([]);
    expect(report.convergence.live).toBe(report.convergence.desired);
  }, 240_000);
});
