import type { Action } from '../action.js';
import { formatObjectId } from '../object-id.js';
import { escapeMarkdown, fencedBlock } from './escape-markdown.js';
import { changeCount, diffLines, formatObjectPath, shortCommit, type ReportRow, type ReportView } from './report-view.js';

export interface MarkdownOptions {
  /** Objects shown with their diff; the rest are counted. Default: 200. */
  readonly detailLimit?: number;
  /** Longest output in characters (a GitHub comment holds 65,536). Default: 60,000. */
  readonly maxLength?: number;
}

const VERB: Record<Action, string> = { create: 'create', update: 'update', delete: 'delete', unchanged: 'unchanged', skip: 'skip' };

/**
 * A plan or apply result as Markdown (the pull-request comment's body): a headline, destructive changes and errors
 * first, a summary table per target, then per target one collapsible `<details>` per changed object with its diff.
 */
export function renderMarkdown(view: ReportView, options: MarkdownOptions = {}): string {
  const detailLimit = options.detailLimit ?? 200;
  const maxLength = options.maxLength ?? 60_000;
  const out: string[] = [];
  const commit = shortCommit(view.commit);
  const title = view.type === 'plan' ? 'Plan' : view.dryRun ? 'Apply (dry run)' : 'Apply';
  out.push(`### kkp-gitops ${title}: ${code(view.repository)}${commit ? ` @ ${code(commit)}` : ''}`, '');
  out.push(headline(view), '');

  const destructive = view.targets.flatMap((t) => t.rows).filter((r) => r.destructive && r.plannedAction !== 'unchanged');
  if (destructive.length > 0) {
    out.push('> [!CAUTION]', `> **Destructive changes (${destructive.length})**`, '>');
    for (const r of destructive) out.push(`> - ${destructiveLine(r)}`);
    out.push('');
  }
  const problems = problemLines(view);
  if (problems.length > 0) {
    out.push('> [!WARNING]', `> **Errors (${problems.length})**`, '>');
    for (const p of problems) out.push(`> - ${p}`);
    out.push('');
  }
  const notices = view.targets.filter((t) => t.notice);
  if (notices.length > 0) {
    out.push('> [!NOTE]', `> **Not contacted before merge (${notices.length})**`, '>');
    for (const t of notices) out.push(`> - ${code(t.target)}: ${prose(t.notice ?? '')}`);
    out.push('');
  }
  const unhealthy = view.targets.flatMap((t) => (t.unhealthy ?? []).map((u) => ({ target: t.target, ...u })));
  if (unhealthy.length > 0) {
    out.push('> [!WARNING]', `> **Updates to objects KKP reports unhealthy now (${unhealthy.length})**`, '>');
    for (const u of unhealthy.slice(0, 50)) out.push(`> - ${code(u.target)}: ${code(`${u.id.kind}/${u.id.name}`)}: ${prose(u.reasons.join(', '))}`);
    out.push('');
  }

  out.push('| Target | Create | Update | Delete | Unchanged | Skip | Status |', '|---|--:|--:|--:|--:|--:|---|');
  for (const t of view.targets) {
    const c = t.counts;
    out.push(`| ${escapeMarkdown(t.target, { as: 'code', inTable: true })} | ${c.create} | ${c.update} | ${c.delete} | ${c.unchanged} | ${c.skip} | ${t.status}${t.error ? `: ${escapeMarkdown(t.error, { inTable: true })}` : ''}${t.notDryRun ? `; not dry-run: ${escapeMarkdown(t.notDryRun, { inTable: true })}` : ''} |`);
  }
  out.push('');

  let shown = 0;
  let hidden = 0;
  for (const t of view.targets) {
    const rows = t.rows.filter((r) => r.action !== 'unchanged' || r.errors.length > 0);
    if (rows.length === 0) continue;
    out.push(`#### ${code(t.target)}`, '');
    for (const r of rows) {
      if (shown >= detailLimit) {
        hidden++;
        continue;
      }
      shown++;
      out.push(...details(r), '');
    }
  }
  if (hidden > 0) out.push(`_${hidden} more changed objects are not shown; run \`kkp-gitops ${view.type} --format text\` for all of them._`, '');
  for (const u of view.unrendered) out.push(`- not rendered: ${code(u.source)}: ${prose(u.reason)}`);
  let text = `${out.join('\n').trimEnd()}\n`;
  if (text.length > maxLength) {
    const note = '\n\n_The report was cut to fit; run the CLI for the whole of it._\n';
    text = `${text.slice(0, maxLength - note.length).replace(/\n[^\n]*$/, '')}${note}`;
  }
  return text;
}

function headline(view: ReportView): string {
  const c = view.counts;
  const n = changeCount(c);
  const verbs = view.type === 'plan' ? ['to create', 'to update', 'to delete'] : view.dryRun ? ['would be created', 'would be updated', 'would be deleted'] : ['created', 'updated', 'deleted'];
  const parts = [`${c.create} ${verbs[0]}`, `${c.update} ${verbs[1]}`, `${c.delete} ${verbs[2]}`, `${c.skip} skipped`, `${c.unchanged} unchanged`];
  const lead = n === 0 && view.errorCount === 0 && c.skip === 0 ? (view.type === 'plan' ? 'No changes. ' : 'Nothing to apply. ') : '';
  const targets = `${view.targets.length} target${view.targets.length === 1 ? '' : 's'}`;
  const errors = view.errorCount > 0 ? `, **${view.errorCount} error${view.errorCount === 1 ? '' : 's'}**` : '';
  const drift = view.targets.reduce((sum, t) => sum + t.rows.filter((r) => r.drift).length, 0);
  const drifted = drift > 0 ? `; ${drift} object${drift === 1 ? '' : 's'} drifted from Git (edited in the cluster)` : '';
  return `${lead}**${parts.join(' · ')}** on ${targets}${errors}${drifted}`;
}

function destructiveLine(r: ReportRow): string {
  const what = r.plannedAction === 'skip' || r.action === 'skip' ? `**${r.plannedAction === 'skip' ? 'skipped' : 'not run'}** (${prose(r.reason ?? 'skipped')})` : `**${VERB[r.action]}**`;
  return `${code(formatObjectId(r.id))}: ${what}`;
}

function problemLines(view: ReportView): string[] {
  const lines: string[] = [];
  for (const t of view.targets) if (t.status === 'unreachable') lines.push(`${code(t.target)} unreachable: ${prose(t.error ?? 'unknown error')}`);
  for (const r of view.targets.flatMap((t) => t.rows)) for (const e of r.errors) lines.push(`${code(formatObjectId(r.id))}: ${prose(e)}`);
  return lines;
}

function details(r: ReportRow): string[] {
  const flags = [r.destructive ? ' ⚠️ destructive' : '', r.drift ? ' · drift' : '', r.errors.length ? ' · ❌ error' : ''].join('');
  const source = r.source ? ` · <code>${escapeMarkdown(r.source, { as: 'html' })}</code>` : '';
  const summary = `<b>${VERB[r.action]}</b> <code>${escapeMarkdown(formatObjectPath(r.id), { as: 'html' })}</code>${source}${flags}`;
  const lines = [`<details><summary>${summary}</summary>`, ''];
  if (r.reason) lines.push(`_${prose(r.reason)}_`, '');
  for (const e of r.errors) lines.push(`**Error:** ${prose(e)}`, '');
  if (r.notDryRun) lines.push(`_Not dry-run: ${prose(r.notDryRun)}_`, '');
  const diff = diffLines(r.diff);
  if (diff.length > 0) lines.push(...fencedBlock(diff, 'diff'), '');
  else if (!r.reason && r.errors.length === 0) lines.push(r.action === 'delete' ? '_The object is removed._' : '_No field changes._', '');
  lines.push('</details>');
  return lines;
}

function code(value: string): string {
  return escapeMarkdown(value, { as: 'code' });
}

function prose(value: string): string {
  return escapeMarkdown(value);
}
