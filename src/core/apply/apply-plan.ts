import { ClusterUnreachableError, describeError } from '../errors.js';
import type { Change, Plan, PlanStage, TargetPlan } from '../plan/plan.js';
import { ApiRequestError } from './api-request-error.js';
import type { ApplyProgress, ApplyResult, ChangeResult, ObjectError, ResultStage, TargetResult } from './apply-result.js';
import type { ClusterClient, TargetClients } from './cluster-client.js';
import { mapLimited } from './map-limited.js';

export interface ApplyPlanOptions {
  /** Take over fields other managers own (server-side apply `force`). Default: false (conflicts are reported). */
  readonly force?: boolean;
  /** Writes in flight per target. Default: 8. */
  readonly concurrency?: number;
  /** Targets applied at the same time. Default: 16. */
  readonly targetConcurrency?: number;
  /** Send every write with `dryRun=All`: admission runs, nothing is stored. Default: false. */
  readonly dryRun?: boolean;
  /** Called after every write. */
  readonly onProgress?: (progress: ApplyProgress) => void;
}

/**
 * Executes a plan; never decides again. Per target, stages run in order, changes within a stage with bounded
 * concurrency; a stage with a failure stops the later stages of that target only; targets run independently.
 * `unchanged` and `skip` changes write nothing; a change the plan marked with errors is not written and counts as
 * failed. Per-object errors are collected, never thrown.
 */
export async function applyPlan(plan: Plan, clients: TargetClients, options: ApplyPlanOptions = {}): Promise<ApplyResult> {
  const total = plan.targets.reduce((n, t) => n + t.stages.reduce((m, s) => m + s.changes.filter(isWrite).length, 0), 0);
  const progress = { done: 0 };
  const run = (target: TargetPlan) => applyTarget(target, clients.get(target.target), options, (p) => {
    progress.done++;
    options.onProgress?.({ ...p, done: progress.done, total });
  });
  const targets = await mapLimited(plan.targets, options.targetConcurrency ?? 16, run);
  return {
    type: 'apply',
    repository: plan.repository,
    ...(plan.commit ? { commit: plan.commit } : {}),
    dryRun: options.dryRun ?? false,
    targets,
    unrendered: plan.unrendered,
  };
}

type Report = (p: Omit<ApplyProgress, 'done' | 'total'>) => void;

async function applyTarget(plan: TargetPlan, client: ClusterClient | undefined, options: ApplyPlanOptions, report: Report): Promise<TargetResult> {
  if (plan.status === 'unreachable' || !client) {
    const error = plan.error ?? 'no client for this target';
    return { target: plan.target, status: 'unreachable', error, stages: plan.stages.map((s) => notRun(s, `target unreachable: ${error}`)) };
  }
  const stages: ResultStage[] = [];
  let failedStage: PlanStage | undefined;
  for (const stage of plan.stages) {
    if (failedStage) {
      stages.push(notRun(stage, `not run: the ${failedStage.phase} stage of ${failedStage.kinds.join(', ')} failed on this target`));
      continue;
    }
    const changes = await mapLimited(stage.changes, options.concurrency ?? 8, (change) => runChange(change, client, options, report));
    stages.push({ ...stageHeader(stage), changes });
    if (changes.some((c) => c.error)) failedStage = stage;
  }
  return { target: plan.target, status: failedStage ? 'failed' : 'applied', stages };
}

async function runChange(change: Change, client: ClusterClient, options: ApplyPlanOptions, report: Report): Promise<ChangeResult> {
  const base = baseResult(change);
  if (!isWrite(change)) return { ...base, action: change.action };
  if (change.errors.length > 0) {
    const error: ObjectError = { message: change.errors.join('; '), reason: 'PlanError' };
    report({ target: change.id.target, id: change.id, action: change.action, error });
    return { ...base, action: change.action, error };
  }
  const dryRun = options.dryRun ?? false;
  try {
    if (change.action === 'delete') await client.delete(change.id, { dryRun, ...(change.uid ? { uid: change.uid } : {}) });
    else await client.apply(change.manifest!, { force: options.force ?? false, dryRun });
    report({ target: change.id.target, id: change.id, action: change.action });
    return { ...base, action: change.action };
  } catch (thrown) {
    const error = objectError(thrown);
    report({ target: change.id.target, id: change.id, action: change.action, error });
    return { ...base, action: change.action, error };
  }
}

function isWrite(change: Change): boolean {
  return change.action === 'create' || change.action === 'update' || change.action === 'delete';
}

function baseResult(change: Change): Omit<ChangeResult, 'action'> {
  return {
    id: change.id,
    plannedAction: change.action,
    ...(change.source ? { source: change.source } : {}),
    diff: change.diff,
    destructive: change.destructive,
    drift: change.drift,
    ...(change.reason ? { reason: change.reason } : {}),
  };
}

function notRun(stage: PlanStage, reason: string): ResultStage {
  return {
    ...stageHeader(stage),
    changes: stage.changes.map((c) => ({ ...baseResult(c), action: isWrite(c) ? 'skip' : c.action, ...(isWrite(c) ? { reason } : {}) })),
  };
}

function stageHeader(stage: PlanStage): Omit<ResultStage, 'changes'> {
  return { phase: stage.phase, order: stage.order, kinds: stage.kinds };
}

export function objectError(thrown: unknown): ObjectError {
  if (thrown instanceof ApiRequestError) {
    const managers = thrown.conflictManagers;
    return {
      message: thrown.message,
      code: thrown.status.code,
      ...(thrown.status.reason ? { reason: thrown.status.reason } : {}),
      ...(thrown.status.causes?.length ? { causes: thrown.status.causes } : {}),
      ...(managers.length ? { conflictManagers: managers } : {}),
    };
  }
  if (thrown instanceof ClusterUnreachableError) return { message: describeError(thrown), reason: 'Unreachable' };
  return { message: describeError(thrown) };
}
