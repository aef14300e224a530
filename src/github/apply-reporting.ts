/**
 * How the reconcile of a pushed commit is reported on GitHub: one deployment per target (`kkp/master`,
 * `kkp/<seed>`), a commit status `kkp-gitops/apply`, and a comment on the merged pull request. Every status says
 * success only when every change of the plan ran and the target holds it: a skipped or failed change is in the
 * description.
 */
import type { ApplyResult } from '../core/apply/apply-result.js';
import type { GatedChange } from '../core/reconcile/decide-reconcile.js';
import { escapeMarkdown } from '../core/report/escape-markdown.js';
import { renderReport } from '../core/report/render-report.js';
import { describeSkipped } from '../core/report/skipped-changes.js';
import type { ReportTarget, ReportView } from '../core/report/report-view.js';
import type { GitHubRepository, PullRequestInfo } from './github-repository.js';
import { GITHUB_LIMITS } from './github-limits.js';
import { upsertStickyComment } from './sticky-comment.js';

export const APPLY_STATUS_CONTEXT = 'kkp-gitops/apply';

/** `kkp/master`, `kkp/seed-eu`. */
export function environmentOf(target: string): string {
  return `kkp/${target}`;
}

/** A target succeeded when it was applied and nothing of its plan was skipped. */
export function targetSucceeded(t: ReportTarget): boolean {
  return t.status === 'applied' && t.counts.skip === 0;
}

/** A target's deployment status: its counts, the skipped gated changes of that target named (`describeSkipped`). */
export function targetDescription(t: ReportTarget, skipped: readonly GatedChange[] = []): string {
  if (t.status === 'unreachable') return `Unreachable: ${t.error ?? 'unknown error'}`;
  const c = t.counts;
  const verdict = t.status !== 'applied' ? 'Failed' : c.skip > 0 ? 'Not all applied' : 'Applied';
  const ofTarget = skipped.filter((g) => g.target === t.target);
  return `${verdict}: ${c.create} created, ${c.update} updated, ${c.delete} deleted, ${c.unchanged} unchanged, ${describeSkipped(c.skip, ofTarget)}`;
}

/**
 * The commit status of a finished apply: success only when every target holds every change. The skipped gated
 * changes (`skipped`) are named, as on the pull request.
 */
export function overallStatus(view: ReportView, result: ApplyResult, skipped: readonly GatedChange[] = []): { state: 'success' | 'failure'; description: string } {
  const applied = result.targets.every((t) => t.status === 'applied');
  const skips = view.counts.skip;
  const ok = applied && skips === 0;
  const verdict = !applied ? 'Failed' : skips > 0 ? 'Not all applied' : 'Applied';
  const c = view.counts;
  return { state: ok ? 'success' : 'failure', description: describeStatus(`${verdict}: ${c.create} created, ${c.update} updated, ${c.delete} deleted${skips ? `, ${describeSkipped(skips, skipped)}` : ''}`) };
}

/** GitHub refuses status descriptions over 140 characters. */
export function describeStatus(text: string): string {
  return text.length <= GITHUB_LIMITS.statusDescription ? text : `${text.slice(0, GITHUB_LIMITS.statusDescription - 1)}…`;
}

/** The note under the apply report on the merged pull request: the gated changes skipped, by identity. */
export function skippedNote(skipped: readonly GatedChange[], merged: PullRequestInfo): string {
  if (skipped.length === 0) return '';
  const n = skipped.length;
  const list = skipped.slice(0, 50).map((g) => `- ${escapeMarkdown(g.key, { as: 'code' })}: ${escapeMarkdown(g.reason ?? 'needs an allowance')}`);
  return [
    '',
    '',
    `**${n} change${n === 1 ? ' was' : 's were'} skipped**: no \`/kkp allow-deletions\` of the plan for the final head \`${merged.headSha.slice(0, 7)}\` listed ${n === 1 ? 'it' : 'them'}, and the governing policy does not allow ${n === 1 ? 'it' : 'them'}. They stay live; the commit's status says so.`,
    '',
    ...list,
    ...(n > 50 ? [`- _and ${n - 50} more_`] : []),
  ].join('\n');
}

export function applyReportMarkdown(result: ApplyResult): string {
  return renderReport(result, { format: 'markdown', detailLimit: Number.MAX_SAFE_INTEGER, maxLength: Number.MAX_SAFE_INTEGER }).trimEnd();
}

/** `author` is the app's bot login (`deps.appLogin()`): only its own comment is edited. */
export async function commentOnMerged(github: GitHubRepository, pr: PullRequestInfo, author: string, sha: string, body: string): Promise<void> {
  await upsertStickyComment(github, pr.number, `## kkp-gitops apply of \`${sha.slice(0, 7)}\`\n\n${body}\n`, { name: `apply-${sha}`, author });
}

/** Whether `sha` already has a final `kkp-gitops/apply` status. */
export async function hasFinalApplyStatus(github: GitHubRepository, sha: string): Promise<boolean> {
  return (await github.commitStatuses(sha)).some((s) => s.context === APPLY_STATUS_CONTEXT && s.state !== 'pending');
}
