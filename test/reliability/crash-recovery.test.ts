import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureBuilt, stopAllBots } from '../support/bot-process.js';
import { killAndRestart, lockTakeover } from './fault-scenarios.js';
import { startReliabilityHarness, type ReliabilityHarness } from './reliability-harness.js';

describe('bot processes killed in the middle of an apply', () => {
  let h: ReliabilityHarness;

  // The bots run `dist/`: build it once, before the clock of any test starts.
  beforeAll(ensureBuilt, 180_000);

  beforeEach(async () => {
    h = await startReliabilityHarness();
  }, 60_000);

  afterEach(async () => {
    await h?.stop();
    await stopAllBots();
  });

  it('finishes a commit after its bot was killed during the apply and restarted, and closes the deployments it left in progress', async () => {
    const report = await killAndRestart.run(h);
    expect(report.problems).toEqual([]);
    expect(report.convergence.live).toBe(report.convergence.desired);
  }, 60_000);

  it("lets a second bot take the lock over after the killed holder's lease expires, and finish the commit once", async () => {
    const report = await lockTakeover.run(h);
    expect(report.problems).toEqual([]);
    expect(report.convergence.live).toBe(report.convergence.desired);
  }, 60_000);
});
