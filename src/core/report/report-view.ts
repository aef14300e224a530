/**
 * A plan and an apply result seen the same way, so one renderer serves both: rows per target in stage order,
 * counts per action, and the changes that need attention (destructive, failed, in error).
 */
import { ACTIONS, type Action } from '../action.js';
import type { ApplyResult, ChangeResult } from '../apply/apply-result.js';
import type { ObjectId } from '../object-id.js';
import type { Change, FieldChange, Plan } from '../plan/plan.js';

export type ReportSubject = Plan | ApplyResult;

export interface ReportRow {
  readonly id: ObjectId;
  readonly action: Action;
  readonly plannedAction: Action;
  readonly source?: string;
  readonly diff: readonly FieldChange[];
  readonly destructive: boolean;
  readonly drift: boolean;
  readonly reason?: string;
  /** Plan errors, or the apply error (with the conflicting managers named). */
  readonly errors: readonly string[];
  /** Plan only: why the API server's dry-run did not judge this create or update. */
  readonly notDryRun?: string;
}

export interface ReportTarget {
  readonly target: string;
  /** `ready`, `unreachable` (plan); `applied`, `failed`, `unreachable` (apply). */
  readonly status: string;
  readonly error?: string;
  /** A plan target's notice (a seed not contacted before merge): a fixed text. */
  readonly notice?: string;
  /** Plan only, reachable targets: why some creates and updates were not judged by the API server's dry-run. */
  readonly notDryRun?: string;
  readonly rows: readonly ReportRow[];
  readonly counts: Readonly<Record<Action, number>>;
}

export interface ReportView {
  readonly type: 'plan' | 'apply';
  readonly repository: string;
  readonly commit?: string;
  readonly dryRun: boolean;
  readonly targets: readonly ReportTarget[];
  readonly counts: Readonly<Record<Action, number>>;
  readonly errorCount: number;
  readonly unrendered: readonly { readonly source: string; readonly reason: string }[];
}

/** Views by subject: plans and results are read-only, so each is viewed once however many reports ask. */
const views = new WeakMap<ReportSubject, ReportView>();

/**
 * The view of a plan or apply result. Built once per subject (the title, summary, conclusion and comment of one
 * delivery all ask for it) and shared: read it, never change it.
 */
export function toReportView(subject: ReportSubject): ReportView {
  let view = views.get(subject);
  if (!view) views.set(subject, (view = buildReportView(subject)));
  return view;
}

function buildReportView(subject: ReportSubject): ReportView {
  const targets = subject.targets.map((t): ReportTarget => {
    const rows = t.stages.flatMap((s) => s.changes.map((c: Change | ChangeResult) => toRow(c)));
    const notice = 'notice' in t ? t.notice : undefined;
    const notDryRun = 'notDryRun' in t && t.status === 'ready' ? t.notDryRun : undefined;
    return { target: t.target, status: t.status, ...(t.error ? { error: t.error } : {}), ...(notice ? { notice } : {}), ...(notDryRun ? { notDryRun } : {}), rows, counts: countActions(rows) };
  });
  const allRows = targets.flatMap((t) => t.rows);
  return {
    type: subject.type,
    repository: subject.repository,
    ...(subject.commit ? { commit: subject.commit } : {}),
    dryRun: subject.type === 'apply' ? subject.dryRun : false,
    targets,
    counts: countActions(allRows),
    errorCount: allRows.filter((r) => r.errors.length > 0).length + targets.filter((t) => t.status === 'unreachable').length,
    unrendered: subject.unrendered,
  };
}

function toRow(change: Change | ChangeResult): ReportRow {
  const errors = 'errors' in change ? [...change.errors] : [];
  let plannedAction = change.action;
  if ('plannedAction' in change) {
    plannedAction = change.plannedAction;
    if (change.error) {
      const managers = change.error.conflictManagers?.length
        ? ` (fields owned by ${change.error.conflictManagers.join(', ')}; apply with force to take them over)`
        : '';
      errors.push(`${change.error.message}${managers}`);
    }
  }
  return {
    id: change.id,
    action: change.action,
    plannedAction,
    ...(change.source ? { source: change.source } : {}),
    diff: change.diff,
    destructive: change.destructive,
    drift: change.drift,
    ...(change.reason ? { reason: change.reason } : {}),
    errors,
    ...('notDryRun' in change && change.notDryRun ? { notDryRun: change.notDryRun } : {}),
  };
}

export function countActions(rows: readonly { readonly action: Action }[]): Record<Action, number> {
  const counts = Object.fromEntries(ACTIONS.map((a) => [a, 0])) as Record<Action, number>;
  for (const r of rows) counts[r.action]++;
  return counts;
}

/** Rows that write something (create, update, delete). */
export function changeCount(counts: Readonly<Record<Action, number>>): number {
  return counts.create + counts.update + counts.delete;
}

/** `spec.cloud.dc` values as shown in reports: JSON, compact. */
export function formatValue(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

/** Cluster-scoped `Cluster/prod-1`, namespaced `Seed/kubermatic/seed-eu` (the object part of `formatObjectId`). */
export function formatObjectPath(id: ObjectId): string {
  return `${id.kind}/${id.namespace ? `${id.namespace}/` : ''}${id.name}`;
}

/** One line per field: `+ path: after`, `- path: before`, or a `-`/`+` pair for a change. */
export function diffLines(diff: readonly FieldChange[]): string[] {
  const lines: string[] = [];
  for (const c of diff) {
    if (c.before !== undefined) lines.push(`- ${c.path}: ${formatValue(c.before)}`);
    if (c.after !== undefined) lines.push(`+ ${c.path}: ${formatValue(c.after)}`);
  }
  return lines;
}

export function shortCommit(commit: string | undefined): string | undefined {
  return commit ? commit.slice(0, 7) : undefined;
}
