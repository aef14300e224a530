import { describe, expect, it } from 'vitest';

import { killAndRestart, lockTakeover } from './fault-scenarios.js';
import { useReliabilityHarness } from './reliability-harness.js';

describe('bot processes killed in the middle of an apply', () => {
  const h = useReliabilityHarness();

  it('finishes a commit after its bot was killed during the apply and restarted, and closes the deployments it left in progress', async () => {
    const report = await killAndRestart.run(h);
    expect(report.problems).toEqual([]);
    expect(report.convergence.live).toBe(report.convergence.desired);
  }, 240_000);

  it("lets a second bot take the lock over after the killed holder's lease expires, and finish the commit once", async () => {
    const report = await lockTakeover.run(h);
    expect(report.problems).toEqual([]);
    expect(report.convergence.live).toBe(report.convergence.desired);
  }, 240_000);
});
