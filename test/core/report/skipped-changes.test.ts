import { describe, expect, it } from 'vitest';
import { describeSkipped } from '../../../src/core/report/skipped-changes.js';

const keys = (...list: string[]) => list.map((key) => ({ key }));

describe('the one line of skipped changes', () => {
  it('is a plain count when no gated change was skipped', () => {
    expect(describeSkipped(0, [])).toBe('0 skipped');
    expect(describeSkipped(2, [])).toBe('2 skipped');
  });

  it('names the skipped changes grouped by what was not allowed, deletions first', () => {
    expect(describeSkipped(3, keys('adopt master: User/carol', 'delete seed-eu: Cluster/x', 'update master: Seed/kubermatic/seed-eu'))).toBe(
      '3 skipped (deletions not allowed: seed-eu: Cluster/x; datacenter removals not allowed: master: Seed/kubermatic/seed-eu; adoptions not allowed: master: User/carol)',
    );
  });

  it('names at most maxListed objects and counts the rest', () => {
    expect(describeSkipped(5, keys('delete seed-eu: Cluster/a', 'delete seed-eu: Cluster/b', 'delete seed-eu: Cluster/c', 'delete seed-eu: Cluster/d', 'adopt master: User/e'), { maxListed: 2 })).toBe(
      '5 skipped (deletions not allowed: seed-eu: Cluster/a, seed-eu: Cluster/b, +2 more; adoptions not allowed: +1 more)',
    );
  });

  it('never counts fewer than it names', () => {
    expect(describeSkipped(0, keys('delete seed-eu: Cluster/a'))).toBe('1 skipped (deletions not allowed: seed-eu: Cluster/a)');
  });
});
