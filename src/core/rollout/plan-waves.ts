/**
 * The waves of a rollout, as data: the master always alone first, then the seeds in the order of
 * `spec.rollout.waves` (a seed belongs to the first wave whose globs match it; seeds no wave names form a last
 * wave). Without waves: the master, then one wave of every seed. Waves that match no seed are left out.
 */
import type { ChangeWindow, RolloutConfig } from '../config/repository-config.js';
import { matchGlob } from '../load/match-glob.js';
import { MASTER_TARGET } from '../render/desired-state.js';

export interface RolloutWavePlan {
  /** 1-based, as people count: wave 1 is the master. */
  readonly number: number;
  readonly targets: readonly string[];
  /** When the wave may start; empty: any time. */
  readonly windows: readonly ChangeWindow[];
}

/** `targets`: every target of the plan (the master and the seeds), in any order; seeds keep their given order. */
export function planWaves(targets: readonly string[], rollout: Pick<RolloutConfig, 'waves'>): RolloutWavePlan[] {
  const seeds = targets.filter((t) => t !== MASTER_TARGET);
  const placed = new Set<string>();
  const waves: { targets: string[]; windows: readonly ChangeWindow[] }[] = [];
  for (const wave of rollout.waves) {
    const members = seeds.filter((s) => !placed.has(s) && wave.seeds.some((glob) => matchGlob(glob, s)));
    for (const m of members) placed.add(m);
    waves.push({ targets: members, windows: wave.windows });
  }
  const rest = seeds.filter((s) => !placed.has(s));
  if (rest.length > 0) waves.push({ targets: rest, windows: [] });
  const seedWaves = waves.filter((w) => w.targets.length > 0);
  const all = [...(targets.includes(MASTER_TARGET) ? [{ targets: [MASTER_TARGET], windows: [] }] : []), ...seedWaves];
  return all.map((w, i) => ({ number: i + 1, targets: w.targets, windows: w.windows }));
}
