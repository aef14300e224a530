import { describe, expect, it } from 'vitest';
import { driftCheckRun } from '../../../src/github/drift/drift-check-run.js';
import type { DriftReport } from '../../../src/github/drift/drift-report.js';

const HEAD = 'c'.repeat(40);
const healed = (skipped?: string[]): DriftReport => ({
  repository: 'acme/kkp',
  head: HEAD,
  status: 'healed',
  drifted: [
    { object: 'seed-eu: Cluster/a', how: 'edited', fields: ['spec.humanReadableName'] },
    { object: 'seed-eu: Cluster/b', how: 'extra', fields: [] },
  ],
  unreachable: [],
  ...(skipped ? { skipped } : {}),
});

describe('the drift check run', () => {
  it('is green when self-heal restored every drifted object', () => {
    expect(driftCheckRun(healed())).toMatchObject({ conclusion: 'success', output: { title: 'Drift corrected: 2 objects' } });
  });

  it('does not say "restored" over a deletion the governing policy skipped: it names it apart, and fails', () => {
    const run = driftCheckRun(healed(['delete seed-eu: Cluster/b']))!;
    expect(run.conclusion).toBe('failure');
    expect(run.output!.title).toBe('Drift partly corrected: 1 skipped (deletions not allowed: seed-eu: Cluster/b)');
    expect(run.output!.summary).toContain('- `delete seed-eu: Cluster/b`: skipped');
    expect(run.output!.summary).not.toContain('were restored');
  });
});
