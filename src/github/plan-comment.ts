/**
 * The sticky plan comment's body and the check run's summary for one head commit: the validation errors, the
 * plan per target (the engine's Markdown: counts per action, destructive changes first, collapsible diffs), what
 * happens to destructive changes, the commit it was computed for, and the commands available.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import type { Plan } from '../core/plan/plan.js';
import { escapeMarkdown } from '../core/report/escape-markdown.js';
import type { GatedChange } from '../core/reconcile/decide-reconcile.js';
import type { ReconcilePolicy } from '../core/reconcile/governing-policy.js';
import { renderReport } from '../core/report/render-report.js';
import { changeCount, toReportView } from '../core/report/report-view.js';
import { describeSkipped } from '../core/report/skipped-changes.js';
import { gateMarker } from './deletion-allowance.js';
import { commandHelp } from './kkp-command.js';

export interface PlanOutcome {
  readonly headSha: string;
  readonly diagnostics: readonly Diagnostic[];
  /** Absent when validation failed or planning failed. */
  readonly plan?: Plan;
  /** Why nothing could be planned (an unreadable repository, an unreachable master). */
  readonly failure?: string;
  readonly fromFork: boolean;
  readonly deletions: 'allowed-by-policy' | 'allowed-for-commit' | 'not-allowed';
  /** The changes that needed a person or the policy (`decideReconcile`), with what was decided for each. */
  readonly gated?: readonly GatedChange[];
  /** The head sets another policy than its base: it governs only what is merged after it. */
  readonly policyChange?: { readonly from: ReconcilePolicy; readonly to: ReconcilePolicy };
  /** The sticky comment could not be written (the check run says so). */
  readonly commentFailure?: string;
}

export type Conclusion = 'success' | 'failure' | 'neutral';

/** Listed in the comment; the check run's annotations hold them all. */
const MAX_LISTED_DIAGNOSTICS = 50;

/** Gated changes the plan skips (they need `/kkp allow-deletions` for this head). */
function skippedGated(outcome: PlanOutcome): readonly GatedChange[] {
  return (outcome.gated ?? []).filter((g) => g.verdict === 'skipped');
}

export function destructiveCount(plan: Plan | undefined): number {
  if (!plan) return 0;
  return toReportView(plan).targets.flatMap((t) => t.rows).filter((r) => r.destructive && r.plannedAction !== 'unchanged').length;
}

/** failure: errors (validation, plan, unreachable target); neutral: destructive changes without an allowance; else success. */
export function conclusionOf(outcome: PlanOutcome): Conclusion {
  if (outcome.commentFailure || outcome.failure || !outcome.plan || outcome.diagnostics.some((d) => d.severity === 'error')) return 'failure';
  if (toReportView(outcome.plan).errorCount > 0) return 'failure';
  if (outcome.gated ? skippedGated(outcome).length > 0 : destructiveCount(outcome.plan) > 0 && outcome.deletions === 'not-allowed') return 'neutral';
  return 'success';
}

/** One line for the check run title. */
export function titleOf(outcome: PlanOutcome): string {
  const errors = outcome.diagnostics.filter((d) => d.severity === 'error').length;
  if (outcome.failure) return 'Could not plan';
  if (!outcome.plan) return `${errors} validation error${errors === 1 ? '' : 's'}`;
  const view = toReportView(outcome.plan);
  const c = view.counts;
  if (view.errorCount > 0) return `${view.errorCount} error${view.errorCount === 1 ? '' : 's'} in the plan`;
  return changeCount(c) === 0 && skippedGated(outcome).length === 0 ? 'No changes' : `${c.create} to create, ${c.update} to update, ${c.delete} to delete, ${describeSkipped(c.skip, skippedGated(outcome))}`;
}

export function formatDiagnosticLine(d: Diagnostic): string {
  const code = (value: string) => escapeMarkdown(value, { as: 'code' });
  return `- ${code(`${d.file}:${d.line}:${d.column}`)} **${d.severity}** ${code(d.rule)}: ${escapeMarkdown(d.message)}${d.hint ? ` _${escapeMarkdown(d.hint)}_` : ''}`;
}

function diagnosticsSection(diagnostics: readonly Diagnostic[]): string[] {
  if (diagnostics.length === 0) return [];
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const lines = [`#### Validation: ${errors} error${errors === 1 ? '' : 's'}, ${diagnostics.length - errors} other finding${diagnostics.length - errors === 1 ? '' : 's'}`, ''];
  lines.push(...diagnostics.slice(0, MAX_LISTED_DIAGNOSTICS).map(formatDiagnosticLine));
  if (diagnostics.length > MAX_LISTED_DIAGNOSTICS) lines.push(`- _and ${diagnostics.length - MAX_LISTED_DIAGNOSTICS} more: see the annotations of the check run \`kkp-gitops\`_`);
  lines.push('');
  return lines;
}

function deletionsSection(outcome: PlanOutcome): string[] {
  const policy = policySection(outcome);
  if (!outcome.gated) return [...policy, ...legacyDeletionsSection(outcome)];
  const skipped = skippedGated(outcome);
  const allowance = outcome.gated.filter((g) => g.verdict === 'allowed-by-allowance');
  const byPolicy = outcome.gated.filter((g) => g.verdict === 'allowed-by-policy');
  const lines = [...policy];
  const list = (gs: readonly GatedChange[]) => [...gs.slice(0, 50).map((g) => `- ${escapeMarkdown(g.key, { as: 'code' })}`), ...(gs.length > 50 ? [`- _and ${gs.length - 50} more_`] : [])];
  const count = (n: number) => `${n} change${n === 1 ? '' : 's'}`;
  if (byPolicy.length) lines.push(`**${count(byPolicy.length)} that delete or take over objects** will run on merge: the base branch's policy (\`policy.allowDeletions\`) allows them.`, '');
  if (allowance.length) lines.push(`**${count(allowance.length)} that delete or take over objects** will run on merge: accepted with \`/kkp allow-deletions\` for commit \`${outcome.headSha.slice(0, 7)}\` (a new push revokes that):`, '', ...list(allowance), '');
  if (skipped.length) lines.push(`**${count(skipped.length)} that delete or take over objects** will be **skipped** on merge. Someone with write access can accept exactly these, for this commit, with \`/kkp allow-deletions\`:`, '', ...list(skipped), '');
  return lines;
}

function policySection(outcome: PlanOutcome): string[] {
  const change = outcome.policyChange;
  if (!change) return [];
  const show = (p: ReconcilePolicy) => `\`allowDeletions: ${p.allowDeletions}, selfHeal: ${p.selfHeal}, massDeletion.maxShare: ${p.massDeletion.maxShare}\``;
  return ['> [!IMPORTANT]', `> This pull request changes the policy from ${show(change.from)} to ${show(change.to)}. The new policy governs only what is merged after it: this pull request's own merge is judged by the base branch's policy.`, ''];
}

function legacyDeletionsSection(outcome: PlanOutcome): string[] {
  const n = destructiveCount(outcome.plan);
  if (n === 0) return [];
  const what = `${n} destructive change${n === 1 ? '' : 's'}`;
  if (outcome.deletions === 'allowed-by-policy') return [`**${what}** will run on merge: the repository's policy (\`policy.allowDeletions\` on the base branch) allows them.`, ''];
  if (outcome.deletions === 'allowed-for-commit') return [`**${what}** will run on merge: they were accepted with \`/kkp allow-deletions\` for commit \`${outcome.headSha.slice(0, 7)}\` (a new push revokes that).`, ''];
  return [`**${what}** will be **skipped** on merge. Someone with write access can accept them for this commit with \`/kkp allow-deletions\`.`, ''];
}

/** Rendered once per plan: the comment and the check run's text both show it. */
const markdownOfPlan = new WeakMap<Plan, string>();

/** The plan as Markdown, unabridged (the sticky comment splits it; the check run cuts it). */
export function planMarkdown(plan: Plan): string {
  let markdown = markdownOfPlan.get(plan);
  if (markdown === undefined) markdownOfPlan.set(plan, (markdown = renderReport(plan, { format: 'markdown', detailLimit: Number.MAX_SAFE_INTEGER, maxLength: Number.MAX_SAFE_INTEGER })));
  return markdown;
}

export function planCommentBody(outcome: PlanOutcome): string {
  const out: string[] = [`## kkp-gitops plan for \`${outcome.headSha.slice(0, 7)}\``, ''];
  if (outcome.fromFork) out.push('> [!NOTE]', '> This pull request comes from a fork: it is validated and planned here, and nothing is applied for it. Only a merge into the default branch is applied.', '');
  if (outcome.failure) out.push(`**Could not plan:** ${escapeMarkdown(outcome.failure)}`, '');
  out.push(...diagnosticsSection(outcome.diagnostics));
  if (!outcome.plan && !outcome.failure) out.push('Nothing was planned: fix the validation errors first (`kkp-gitops validate` shows them locally).', '');
  out.push(...deletionsSection(outcome));
  if (outcome.plan) out.push(planMarkdown(outcome.plan).trimEnd(), '');
  out.push('<details><summary>Commands</summary>', '', commandHelp(), '', '</details>', '');
  out.push(`<sub>Computed for commit ${outcome.headSha}.</sub>`);
  if (outcome.plan && outcome.gated) out.push(gateMarker({ head: outcome.headSha, changes: outcome.gated.map((g) => g.key) }));
  return `${out.join('\n')}\n`;
}

/** The check run summary: short, always within GitHub's limit; the plan goes in the check run's text. */
export function checkSummary(outcome: PlanOutcome): string {
  const out: string[] = [`**${escapeMarkdown(titleOf(outcome))}** for \`${outcome.headSha.slice(0, 7)}\`.`, ''];
  if (outcome.commentFailure) out.push(`The plan comment could not be written: ${escapeMarkdown(outcome.commentFailure)}. The plan is in this check run.`, '');
  if (outcome.failure) out.push(`Could not plan: ${escapeMarkdown(outcome.failure)}`, '');
  const errors = outcome.diagnostics.filter((d) => d.severity === 'error').length;
  if (outcome.diagnostics.length > 0) out.push(`Validation: ${errors} error(s), ${outcome.diagnostics.length - errors} other finding(s); see the annotations.`, '');
  out.push(...deletionsSection(outcome));
  if (outcome.plan) {
    out.push('| Target | Create | Update | Delete | Unchanged | Skip | Status |', '|---|--:|--:|--:|--:|--:|---|');
    for (const t of toReportView(outcome.plan).targets) {
      const c = t.counts;
      out.push(`| ${escapeMarkdown(t.target, { as: 'code', inTable: true })} | ${c.create} | ${c.update} | ${c.delete} | ${c.unchanged} | ${c.skip} | ${t.status} |`);
    }
  }
  return out.join('\n');
}
