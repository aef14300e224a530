import { describe, expect, it } from 'vitest';
import type { Action } from '../../../src/core/action.js';
import { DEFAULT_REPOSITORY_CONFIG } from '../../../src/core/config/repository-config.js';
import type { Change, Plan } from '../../../src/core/plan/plan.js';
import type { Allowance } from '../../../src/core/reconcile/allowance.js';
import { decideReconcile } from '../../../src/core/reconcile/decide-reconcile.js';
import { governingPolicy, pathsChanged } from '../../../src/core/reconcile/governing-policy.js';

const HEAD = 'a'.repeat(40);
const OTHER = 'b'.repeat(40);
const STRICT = DEFAULT_REPOSITORY_CONFIG.policy;
const LOOSE = { ...STRICT, allowDeletions: true, selfHeal: true };
/** The guard set by `policy.massDeletion.maxShare`. */
const share = (maxShare: number, base = STRICT) => ({ ...base, massDeletion: { maxShare } });

function change(action: Action, kind: string, name: string, extra: Partial<Change> = {}): Change {
  const target = kind === 'Cluster' ? 'seed-eu' : 'master';
  const destructive = action === 'delete' && (kind === 'Cluster' || kind === 'Seed');
  return { id: { target, apiVersion: 'kubermatic.k8c.io/v1', kind, name }, action, diff: [], destructive, drift: false, errors: [], ...extra };
}

function plan(...changes: Change[]): Plan {
  const byTarget = new Map<string, Change[]>();
  for (const c of changes) byTarget.set(c.id.target, [...(byTarget.get(c.id.target) ?? []), c]);
  return {
    type: 'plan',
    repository: 'acme/kkp',
    commit: HEAD,
    allowDeletions: true,
    unrendered: [],
    targets: [...byTarget].map(([target, list]) => ({ target, status: 'ready', stages: [{ phase: 'apply', order: 1, kinds: [], changes: list }] })),
  };
}

/** What runs: `<action> <kind>/<name>` of every change that is not skipped or unchanged. */
function runs(p: Plan): string[] {
  return p.targets.flatMap((t) => t.stages.flatMap((s) => s.changes)).filter((c) => c.action !== 'skip' && c.action !== 'unchanged').map((c) => `${c.action} ${c.id.kind}/${c.id.name}`);
}

const allow = (head: string, ...changes: string[]): Allowance => ({ head, changes });

// Two managed Clusters (x kept, y deleted), two Users (alice kept, bob deleted).
const TWO_CLUSTERS_ONE_DELETED = [change('unchanged', 'Cluster', 'x'), change('delete', 'Cluster', 'y'), change('unchanged', 'User', 'alice'), change('delete', 'User', 'bob')];

describe('the reconcile decision (head, allowances, policy → what runs)', () => {
  const table: { name: string; changes: Change[]; policy: typeof STRICT; allowances?: Allowance[]; configChanged?: boolean; expected: string[] }[] = [
    { name: 'a destructive delete without allowance or policy is skipped; an ordinary delete runs', changes: TWO_CLUSTERS_ONE_DELETED, policy: STRICT, expected: ['delete User/bob'] },
    { name: 'the governing policy allows destructive deletes', changes: TWO_CLUSTERS_ONE_DELETED, policy: LOOSE, expected: ['delete Cluster/y', 'delete User/bob'] },
    { name: 'an allowance for the head covers exactly the deletion it lists', changes: TWO_CLUSTERS_ONE_DELETED, policy: STRICT, allowances: [allow(HEAD, 'delete seed-eu: Cluster/y')], expected: ['delete Cluster/y', 'delete User/bob'] },
    {
      name: 'an allowance for another deletion does not carry over to one the plan did not list',
      changes: [change('unchanged', 'Cluster', 'w'), change('delete', 'Cluster', 'x'), change('delete', 'Cluster', 'y'), change('unchanged', 'Cluster', 'z')],
      policy: STRICT,
      allowances: [allow(HEAD, 'delete seed-eu: Cluster/y')],
      expected: ['delete Cluster/y'],
    },
    { name: 'an allowance for another head counts for nothing', changes: TWO_CLUSTERS_ONE_DELETED, policy: STRICT, allowances: [allow(OTHER, 'delete seed-eu: Cluster/y')], expected: ['delete User/bob'] },
    { name: 'deleting every managed object of a kind needs an allowance even for a kind that needs none', changes: [change('delete', 'User', 'alice'), change('delete', 'User', 'bob')], policy: LOOSE, expected: [] },
    {
      name: 'deleting more than half of a kind needs an allowance, which then lets it run',
      changes: [change('delete', 'User', 'a'), change('delete', 'User', 'b'), change('unchanged', 'User', 'c')],
      policy: STRICT,
      allowances: [allow(HEAD, 'delete master: User/a', 'delete master: User/b')],
      expected: ['delete User/a', 'delete User/b'],
    },
    { name: 'half of a kind is not a mass deletion', changes: [change('delete', 'User', 'a'), change('unchanged', 'User', 'b')], policy: STRICT, expected: ['delete User/a'] },
    { name: 'any deletion while the configuration changed needs an allowance', changes: TWO_CLUSTERS_ONE_DELETED, policy: LOOSE, configChanged: true, expected: [] },
    { name: 'adopting a live object kkp-gitops did not create needs an allowance', changes: [change('update', 'User', 'carol', { adoption: true }), change('update', 'User', 'alice')], policy: STRICT, expected: ['update User/alice'] },
    { name: 'an allowance covers an adoption it lists', changes: [change('update', 'User', 'carol', { adoption: true })], policy: STRICT, allowances: [allow(HEAD, 'adopt master: User/carol')], expected: ['update User/carol'] },
    {
      name: 'a higher share lets more than half of a kind be deleted under the policy',
      changes: [change('delete', 'Cluster', 'a'), change('delete', 'Cluster', 'b'), change('unchanged', 'Cluster', 'c')],
      policy: share(0.8, LOOSE),
      expected: ['delete Cluster/a', 'delete Cluster/b'],
    },
    { name: 'a share of 1 still guards deleting all of a kind', changes: [change('delete', 'User', 'a'), change('delete', 'User', 'b')], policy: share(1), expected: [] },
    { name: 'a share of 0 guards every deletion, even of a kind that needs no allowance', changes: [change('delete', 'User', 'a'), change('unchanged', 'User', 'b'), change('unchanged', 'User', 'c')], policy: share(0), expected: [] },
    {
      name: 'a lower share guards a third of a kind',
      changes: [change('delete', 'User', 'a'), change('unchanged', 'User', 'b'), change('unchanged', 'User', 'c')],
      policy: share(0.25),
      allowances: [allow(HEAD, 'delete master: User/a')],
      expected: ['delete User/a'],
    },
    { name: 'a lower share without the allowance skips that third', changes: [change('delete', 'User', 'a'), change('unchanged', 'User', 'b'), change('unchanged', 'User', 'c')], policy: share(0.25, LOOSE), expected: [] },
    { name: 'creates and updates always run', changes: [change('create', 'Cluster', 'new'), change('update', 'Cluster', 'x')], policy: STRICT, expected: ['create Cluster/new', 'update Cluster/x'] },
  ];
  for (const row of table) {
    it(row.name, () => {
      const decision = decideReconcile({ plan: plan(...row.changes), policy: row.policy, ...(row.allowances ? { allowances: row.allowances } : {}), ...(row.configChanged ? { configChanged: true } : {}) });
      expect(runs(decision.plan)).toEqual(row.expected);
    });
  }

  it('lists each skipped change by its identity with the reason, and drops its manifest', () => {
    const decision = decideReconcile({ plan: plan(change('delete', 'Cluster', 'y'), change('unchanged', 'Cluster', 'x')), policy: STRICT });
    expect(decision.skipped).toEqual(['delete seed-eu: Cluster/y']);
    const skipped = decision.plan.targets[0]!.stages[0]!.changes[0]!;
    expect(skipped.action).toBe('skip');
    expect(skipped.reason).toMatch(/destructive/);
    expect(decision.plan.allowDeletions).toBe(false);
  });

  it('never changes the plan it is given', () => {
    const input = plan(change('delete', 'Cluster', 'y'));
    const copy = structuredClone(input);
    decideReconcile({ plan: input, policy: STRICT });
    expect(input).toEqual(copy);
  });
});

describe('the governing policy', () => {
  it('is the last applied commit’s, and the built-in defaults when nothing was applied', () => {
    expect(governingPolicy(undefined)).toEqual({ allowDeletions: false, selfHeal: false, massDeletion: { maxShare: 0.5 } });
    expect(governingPolicy({ policy: LOOSE })).toEqual(LOOSE);
  });

  it('sees a change of paths or exclude, but not when nothing was applied yet', () => {
    expect(pathsChanged({ paths: ['.'], exclude: [] }, { paths: ['nonexistent/'], exclude: [] })).toBe(true);
    expect(pathsChanged({ paths: ['.'], exclude: [] }, { paths: ['.'], exclude: [] })).toBe(false);
    expect(pathsChanged(undefined, { paths: ['x/'], exclude: [] })).toBe(false);
  });
});
