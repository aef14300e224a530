import { describe, expect, it } from 'vitest';
import { rolloutConfig } from '../../../src/core/config/repository-config.js';
import { planWaves } from '../../../src/core/rollout/plan-waves.js';

const TARGETS = ['master', 'seed-canary', 'seed-eu-1', 'seed-eu-2', 'seed-us'];

describe('planWaves orders the master and the seeds into waves', () => {
  const cases: { name: string; waves: (string[] | { seeds: string[] })[] | undefined; expected: string[][] }[] = [
    { name: 'without waves the master goes first and then every seed at once', waves: undefined, expected: [['master'], ['seed-canary', 'seed-eu-1', 'seed-eu-2', 'seed-us']] },
    { name: 'globs pick the seeds of each wave in order', waves: [['seed-canary'], ['seed-eu*'], ['*']], expected: [['master'], ['seed-canary'], ['seed-eu-1', 'seed-eu-2'], ['seed-us']] },
    { name: 'a seed belongs to the first wave that matches it', waves: [['seed-eu-?', 'seed-us'], ['seed-eu-1']], expected: [['master'], ['seed-eu-1', 'seed-eu-2', 'seed-us'], ['seed-canary']] },
    { name: 'seeds no wave names form a last wave', waves: [['seed-us']], expected: [['master'], ['seed-us'], ['seed-canary', 'seed-eu-1', 'seed-eu-2']] },
    { name: 'a wave that matches no seed is left out', waves: [['seed-ap*'], { seeds: ['seed-us'] }], expected: [['master'], ['seed-us'], ['seed-canary', 'seed-eu-1', 'seed-eu-2']] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const waves = planWaves(TARGETS, rolloutConfig(c.waves ? { waves: c.waves } : undefined));
      expect(waves.map((w) => w.targets)).toEqual(c.expected);
      expect(waves.map((w) => w.number)).toEqual(c.expected.map((_, i) => i + 1));
    });
  }

  it('keeps the change windows of a wave', () => {
    const windows = [{ days: ['Mon-Fri'], from: '08:00', to: '17:00', timezone: 'Europe/Berlin' }];
    const waves = planWaves(TARGETS, rolloutConfig({ waves: [{ seeds: ['seed-us'], windows }] }));
    expect(waves[1]).toEqual({ number: 2, targets: ['seed-us'], windows });
    expect(waves[2]?.windows).toEqual([]);
  });

  it('plans only seeds when the plan has no master target', () => {
    expect(planWaves(['seed-us'], rolloutConfig(undefined)).map((w) => w.targets)).toEqual([['seed-us']]);
  });
});
