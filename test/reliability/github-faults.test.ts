import { describe, expect, it } from 'vitest';

import { githubFaults } from './fault-scenarios.js';
import { useReliabilityHarness } from './reliability-harness.js';

describe('GitHub answering 502 and secondary rate limits', () => {
  const h = useReliabilityHarness();

  it('still gives a pull request one completed check run and one plan comment, and a merge one deployment per target with final statuses', async () => {
    const report = await githubFaults.run(h);
    expect(report.problems).toEqual([]);
    expect(report.convergence.live).toBe(report.convergence.desired);
  }, 240_000);
});
