import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../src/core/plan/plan.js';
import { toReportView } from '../../../src/core/report/report-view.js';
import { checkSummary, conclusionOf, planCommentBody, titleOf, type PlanOutcome } from '../../../src/github/plan-comment.js';

function plan(name: string): Plan {
  const id = { target: 'seed-eu', apiVersion: 'kubermatic.k8c.io/v1', kind: 'Cluster', name };
  return {
    type: 'plan',
    repository: 'acme/fleet',
    allowDeletions: false,
    targets: [{ target: 'seed-eu', status: 'ready', stages: [{ phase: 'delete', order: 40, kinds: ['Cluster'], changes: [{ id, action: 'skip', diff: [], destructive: true, drift: false, errors: [], reason: 'needs an allowance' }] }] }],
    unrendered: [],
  };
}

describe('toReportView', () => {
  it('builds the view of a plan once: the title, summary, conclusion and comment of one delivery share it', () => {
    const subject = plan('prod-1');
    const outcome: PlanOutcome = { headSha: 'a'.repeat(40), diagnostics: [], plan: subject, fromFork: false, deletions: 'not-allowed' };
    const view = toReportView(subject);
    titleOf(outcome);
    checkSummary(outcome);
    conclusionOf(outcome);
    planCommentBody(outcome);
    expect(toReportView(subject)).toBe(view);
  });

  it('views every plan on its own', () => {
    const first = toReportView(plan('prod-1'));
    const second = toReportView(plan('prod-2'));
    expect(second).not.toBe(first);
    expect(second.targets[0]?.rows[0]?.id.name).toBe('prod-2');
    expect(first.targets[0]?.rows[0]?.id.name).toBe('prod-1');
  });
});
