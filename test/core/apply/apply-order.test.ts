import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APPLY_ORDER_RULES, applyOrderOf, EARLIER } from '../../../src/core/apply/apply-order.js';
import type { Change } from '../../../src/core/plan/plan.js';
import { startHarness, type Harness } from '../../engine/support/sandbox-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const seedChange = (over: Partial<Change>): Change => ({
  id: { target: 'master', apiVersion: 'kubermatic.k8c.io/v1', kind: 'Seed', namespace: 'kubermatic', name: 'seed-eu' },
  action: 'update',
  diff: [],
  destructive: false,
  drift: false,
  errors: [],
  ...over,
});

function datacenter(name: string, seed: string): string {
  return ['apiVersion: gitops.kkp.dev/v1alpha1', 'kind: Datacenter', 'metadata:', `  name: ${name}`, 'spec:', `  seed: ${seed}`, '  country: US', '  location: Oregon', '  spec:', '    aws:', '      region: us-west-2', ''].join('\n');
}

describe('the apply order within a kind', () => {
  it('puts a Seed update that gives up a datacenter before the other Seeds, and nothing else', () => {
    expect(APPLY_ORDER_RULES.map((r) => r.kind)).toEqual(['Seed']);
    expect(applyOrderOf(10, seedChange({ destructive: true }))).toBe(10 - EARLIER);
    expect(applyOrderOf(10, seedChange({}))).toBe(10);
    expect(applyOrderOf(10, seedChange({ action: 'skip', destructive: true }))).toBe(10);
    expect(applyOrderOf(40, seedChange({ destructive: true, id: { target: 'seed-eu', apiVersion: 'kubermatic.k8c.io/v1', kind: 'Cluster', name: 'c' } }))).toBe(40);
  });

  it('moves a datacenter from one seed to another in one apply, through the sandbox that refuses a datacenter held twice', async () => {
    h = await startHarness();
    writeFileSync(join(h.dir, 'datacenters/aws-us-west-2.yaml'), datacenter('aws-us-west-2', 'seed-us'));
    const first = await h.apply();
    expect(first.result?.targets.map((t) => t.status)).toEqual(['applied', 'applied', 'applied']);

    // seed-eu gains it and sorts first: without the order table it would be written before seed-us gives it up.
    writeFileSync(join(h.dir, 'datacenters/aws-us-west-2.yaml'), datacenter('aws-us-west-2', 'seed-eu'));
    const planned = await h.plan({ allowDeletions: true });
    const master = planned.plan?.targets.find((t) => t.target === 'master');
    expect(master?.stages.filter((s) => s.phase === 'apply').map((s) => [s.order, s.changes.filter((c) => c.action !== 'unchanged').map((c) => c.id.name)])).toEqual([
      [9.5, ['seed-us']],
      [10, ['seed-eu']],
      [20, []],
      [30, []],
    ]);
    const moved = await h.apply({ allowDeletions: true, concurrency: 1 });
    expect(moved.result?.targets.map((t) => [t.target, t.status])).toEqual([
      ['master', 'applied'],
      ['seed-eu', 'applied'],
      ['seed-us', 'applied'],
    ]);
    const datacentersOf = (seed: string) => Object.keys((h!.find('master', 'Seed', seed, 'kubermatic')?.['spec'] as { datacenters: object }).datacenters).sort();
    expect(datacentersOf('seed-eu')).toContain('aws-us-west-2');
    expect(datacentersOf('seed-us')).not.toContain('aws-us-west-2');
  });
});
