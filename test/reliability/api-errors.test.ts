import { describe, expect, it } from 'vitest';

import { apiErrors } from './fault-scenarios.js';
import { useReliabilityHarness } from './reliability-harness.js';

describe('a Kubernetes API that fails 30% of its requests with 503', () => {
  const h = useReliabilityHarness();

  it('still converges: every desired object live with its fields, none duplicated, no change lost', async () => {
    const report = await apiErrors.run(h);
    expect(report.problems).toEqual([]);
    expect(report.convergence.live).toBe(report.convergence.desired);
  }, 240_000);
});
