import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureBuilt, stopAllBots } from '../support/bot-process.js';
import { githubFaults } from './fault-scenarios.js';
import { startReliabilityHarness, type ReliabilityHarness } from './reliability-harness.js';

describe('GitHub answering 502 and secondary rate limits', () => {
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

  it('still gives a pull request one completed check run and one plan comment, and a merge one deployment per target with final statuses', async () => {
    const report = await githubFaults.run(h);
    expect(report.problems).toEqual([]);
    expect(report.convergence.live).toBe(report.convergence.desired);
  }, 60_000);
});
