/**
 * The sticky plan comment's body and the check run's summary for one head commit: the validation errors, the
 * plan per target (the engine's Markdown: counts per action, destructive changes first, collapsible diffs), what
 * happens to destructive changes, the commit it was computed for, and the commands available.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import type { Plan } from '../core/plan/plan.js';
import { escapeMarkdown } from '../core/report/escape-markdown.js';
import { renderReport } from '../core/report/render-report.js';
import { changeCount, toReportView } from '../core/report/report-view.js';
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
}

export type Conclusion = 'success' | 'failure' | 'neutral';

/** Listed in the comment; the check run's annotations hold them all. */
const MAX_LISTED_DIAGNOSTICS = 50;

export function destructiveCount(plan: Plan | undefined): number {
  if (!plan) return 0;
  return toReportView(plan).targets.flatMap((t) => t.rows).filter((r) => r.destructive && r.plannedAction !== 'unchanged').length;
}

/** failure: errors (validation, plan, unreachable target); neutral: destructive changes without an allowance; else success. */
export function conclusionOf(outcome: PlanOutcome): Conclusion {
  if (outcome.failure || !outcome.plan || outcome.diagnostics.some((d) => d.severity === 'error')) return 'failure';
  if (toReportView(outcome.plan).errorCount > 0) return 'failure';
  if (destructiveCount(outcome.plan) > 0 && outcome.deletions === 'not-allowed') return 'neutral';
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
  return changeCount(c) === 0 ? 'No changes' : `${c.create} to create, ${c.update} to update, ${c.delete} to delete, ${c.skip} skipped`;
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
  const n = destructiveCount(outcome.plan);
  if (n === 0) return [];
  const what = `${n} destructive change${n === 1 ? '' : 's'}`;
  if (outcome.deletions === 'allowed-by-policy') return [`**${what}** will run on merge: the repository's policy (\`policy.allowDeletions\` on the base branch) allows them.`, ''];
  if (outcome.deletions === 'allowed-for-commit') return [`**${what}** will run on merge: they were accepted with \`/kkp allow-deletions\` for commit \`${outcome.headSha.slice(0, 7)}\` (a new push revokes that).`, ''];
  return [`**${what}** will be **skipped** on merge. Someone with write access can accept them for this commit with \`/kkp allow-deletions\`.`, ''];
}

/** The plan as Markdown, unabridged (the sticky comment splits it; the check run cuts it). */
export function planMarkdown(plan: Plan): string {
  return renderReport(plan, { format: 'markdown', detailLimit: Number.MAX_SAFE_INTEGER, maxLength: Number.MAX_SAFE_INTEGER });
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
  return `${out.join('\n')}\n`;
}

/** The check run summary: short, always within GitHub's limit; the plan goes in the check run's text. */
export function checkSummary(outcome: PlanOutcome): string {
  const out: string[] = [`**${titleOf(outcome)}** for \`${outcome.headSha.slice(0, 7)}\`.`, ''];
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
