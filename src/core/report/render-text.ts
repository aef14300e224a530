import type { Action } from '../action.js';
import { formatObjectId } from '../object-id.js';
import { escapeTerminal } from './escape-markdown.js';
import { changeCount, diffLines, formatObjectPath, shortCommit, type ReportRow, type ReportView } from './report-view.js';

export interface TextOptions {
  /** Objects shown with their diff; the rest are counted. Default: all. */
  readonly detailLimit?: number;
  /** Print each object's field diff under it. Default: true. */
  readonly diffs?: boolean;
}

const MARK: Record<Action, string> = { create: '+', update: '~', delete: '-', unchanged: '=', skip: '!' };

/** A plan or apply result for the terminal: destructive changes and errors first, then per target each changed object and its diff. */
export function renderText(view: ReportView, options: TextOptions = {}): string {
  const detailLimit = options.detailLimit ?? Number.POSITIVE_INFINITY;
  const out: string[] = [];
  const commit = shortCommit(view.commit);
  const c = view.counts;
  const title = view.type === 'plan' ? 'Plan' : view.dryRun ? 'Apply (dry run)' : 'Apply';
  const verbs = view.type === 'plan' ? ['to create', 'to update', 'to delete'] : view.dryRun ? ['would be created', 'would be updated', 'would be deleted'] : ['created', 'updated', 'deleted'];
  out.push(`${title} for ${view.repository}${commit ? ` @ ${commit}` : ''}: ${c.create} ${verbs[0]}, ${c.update} ${verbs[1]}, ${c.delete} ${verbs[2]}, ${c.skip} skipped, ${c.unchanged} unchanged${drifted(view)}${view.errorCount ? `, ${view.errorCount} error${view.errorCount === 1 ? '' : 's'}` : ''}`);
  if (changeCount(c) === 0 && view.errorCount === 0 && c.skip === 0) out.push(view.type === 'plan' ? 'No changes: the clusters match the repository.' : 'Nothing to apply.');
  if (changeCount(c) === 0 && view.errorCount === 0 && c.skip > 0) out.push(`Nothing will be written; ${c.skip} skipped (see below).`);

  const destructive = view.targets.flatMap((t) => t.rows).filter((r) => r.destructive && r.plannedAction !== 'unchanged');
  if (destructive.length > 0) {
    out.push('', 'DESTRUCTIVE CHANGES:');
    for (const r of destructive) out.push(`  ${r.action.padEnd(7)} ${formatObjectId(r.id)}${r.reason ? `  (${r.reason})` : ''}`);
  }
  const problems: string[] = [];
  for (const t of view.targets) if (t.status === 'unreachable') problems.push(`${t.target}: unreachable: ${t.error ?? 'unknown error'}`);
  for (const r of view.targets.flatMap((t) => t.rows)) for (const e of r.errors) problems.push(`${formatObjectId(r.id)}: ${e}`);
  if (problems.length > 0) {
    out.push('', 'ERRORS:');
    for (const p of problems) out.push(`  ${p}`);
  }
  const notices = view.targets.filter((t) => t.notice);
  if (notices.length > 0) {
    out.push('', 'NOT CONTACTED BEFORE MERGE:');
    for (const t of notices) out.push(`  ${t.target}: ${t.notice}`);
  }
  const unhealthy = view.targets.flatMap((t) => (t.unhealthy ?? []).map((u) => ({ target: t.target, ...u })));
  if (unhealthy.length > 0) {
    out.push('', 'UPDATES TO OBJECTS KKP REPORTS UNHEALTHY NOW:');
    for (const u of unhealthy.slice(0, 50)) out.push(`  ${u.target}: ${u.id.kind}/${u.id.name}: ${u.reasons.join(', ')}`);
  }

  let shown = 0;
  let hidden = 0;
  for (const t of view.targets) {
    const k = t.counts;
    out.push('', `${t.target} (${t.status}${t.error ? `: ${t.error}` : ''}${t.notDryRun ? `; not dry-run: ${t.notDryRun}` : ''}): ${k.create} create, ${k.update} update, ${k.delete} delete, ${k.skip} skip, ${k.unchanged} unchanged`);
    for (const r of t.rows) {
      if (r.action === 'unchanged' && r.errors.length === 0) continue;
      if (shown >= detailLimit) {
        hidden++;
        continue;
      }
      shown++;
      out.push(...rowLines(r, options.diffs ?? true));
    }
  }
  if (hidden > 0) out.push('', `(${hidden} more changed objects not shown)`);
  for (const u of view.unrendered) out.push(`not rendered: ${u.source}: ${u.reason}`);
  // Input (names, messages, cluster errors) may hold terminal escape sequences: none is printed.
  return escapeTerminal(`${out.join('\n')}\n`);
}

function rowLines(r: ReportRow, diffs: boolean): string[] {
  const flags = [r.destructive ? 'destructive' : '', r.drift ? 'drift' : '', r.errors.length ? 'error' : ''].filter(Boolean);
  const lines = [`  ${MARK[r.action]} ${r.action.padEnd(9)} ${formatObjectPath(r.id)}${r.source ? `  (${r.source})` : ''}${flags.length ? `  [${flags.join(', ')}]` : ''}`];
  if (r.reason) lines.push(`      ${r.reason}`);
  for (const e of r.errors) lines.push(`      error: ${e}`);
  if (r.notDryRun) lines.push(`      not dry-run: ${r.notDryRun}`);
  if (diffs) for (const d of diffLines(r.diff)) lines.push(`      ${d}`);
  return lines;
}

function drifted(view: ReportView): string {
  const n = view.targets.reduce((sum, t) => sum + t.rows.filter((r) => r.drift).length, 0);
  return n > 0 ? ` (${n} drifted from Git)` : '';
}
