import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureBuilt, stopAllBots } from '../support/bot-process.js';
import { apiErrors } from './fault-scenarios.js';
import { startReliabilityHarness, type ReliabilityHarness } from './reliability-harness.js';

describe('a Kubernetes API that fails 30% of its requests with 503', () => {
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

  it('still converges: every desired object live with its fields, none duplicated, no change lost', async () => {
    const report = await apiErrors.run(h);
    expect(report.problems).toEqual([]);
    expect(report.convergence.live).toBe(report.convergence.desired);
  }, 60_000);
});
