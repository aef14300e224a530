import { describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

describe('kkp-gitops demo', () => {
  it('validates, plans, applies, shows health and plans again the examples against an in-process sandbox, ending with no changes', async () => {
    let stdout = '';
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
    let code: number;
    try {
      code = await main(['demo']);
    } finally {
      out.mockRestore();
    }
    expect(code).toBe(0);
    const steps = ['== 1. validate', '== 2. plan', '== 3. apply', '== 4. health', '== 5. plan again'].map((s) => stdout.indexOf(s));
    expect(steps.every((i) => i >= 0)).toBe(true);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
    expect(stdout).toMatch(/== 2\. plan[^\n]*\nPlan for example\/kkp-config: (\d+) to create, 0 to update/);
    expect(stdout).toMatch(/Apply for example\/kkp-config: \d+ created, 0 updated, 0 deleted, 0 skipped/);
    // The health step: every Seed Healthy and every Cluster Running, from the sandbox's KKP controllers.
    const health = stdout.slice(steps[3], steps[4]).split('\n').slice(1).filter((line) => line.trim() !== '');
    expect(health.length).toBeGreaterThan(0);
    expect(health.filter((line) => line.includes(': Seed/'))).not.toEqual([]);
    expect(health.filter((line) => line.includes(': Cluster/'))).not.toEqual([]);
    for (const line of health) expect(line).toMatch(/^ {2}ok {3}\S+: (Seed\/\S+ Healthy|Cluster\/\S+ Running, \d+ components Up)$/);
    expect(stdout).toContain('No changes: the clusters match the repository.');
    // The closing hint names the folder, so that it plans the examples and not the whole checkout.
    expect(stdout).toContain('`npx kkp-gitops plan examples --kubeconfig .sandbox/kubeconfig --context master`');
  });
});
