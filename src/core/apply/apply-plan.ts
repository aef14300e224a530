import { ClusterUnreachableError, describeError } from '../errors.js';
import type { Change, Plan, PlanStage } from '../plan/plan.js';
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
 * Executes a plan; never decides again. Stages run in the kind table's order across all targets at once (every
 * target's Seeds, then Projects and Users, then bindings and keys, then Clusters; deletes in reverse), so that a
 * seed's Clusters are written after the master's Seeds and Projects they need. Within a stage, targets run side
 * by side and each target's changes with bounded concurrency. A stage with a failure stops the later stages of
 * that target only. `unchanged` and `skip` changes write nothing; a change the plan marked with errors is not
 * written and counts as failed. Per-object errors are collected, never thrown.
 */
export async function applyPlan(plan: Plan, clients: TargetClients, options: ApplyPlanOptions = {}): Promise<ApplyResult> {
  const total = plan.targets.reduce((n, t) => n + t.stages.reduce((m, s) => m + s.changes.filter(isWrite).length, 0), 0);
  const progress = { done: 0 };
  const report: Report = (p) => {
    progress.done++;
    options.onProgress?.({ ...p, done: progress.done, total });
  };
  const runs = plan.targets.map((t) => ({ plan: t, client: clients.get(t.target), stages: new Map<PlanStage, ResultStage>(), failed: undefined as PlanStage | undefined }));
  const waves = [...new Set(plan.targets.flatMap((t) => t.stages.map(waveKey)))].sort(compareWaves);
  for (const wave of waves) {
    await mapLimited(runs, options.targetConcurrency ?? 16, async (run) => {
      const stage = run.plan.stages.find((s) => waveKey(s) === wave);
      if (!stage) return;
      if (run.plan.status === 'unreachable' || !run.client) return;
      if (run.failed) {
        run.stages.set(stage, notRun(stage, `not run: the ${run.failed.phase} stage of ${run.failed.kinds.join(', ')} failed on this target`));
        return;
      }
      const client = run.client;
      const changes = await mapLimited(stage.changes, options.concurrency ?? 8, (change) => runChange(change, client, options, report));
      run.stages.set(stage, { ...stageHeader(stage), changes });
      if (changes.some((c) => c.error)) run.failed = stage;
    });
  }
  const targets = runs.map((run): TargetResult => {
    if (run.plan.status === 'unreachable' || !run.client) {
      const error = run.plan.error ?? 'no client for this target';
      return { target: run.plan.target, status: 'unreachable', error, stages: run.plan.stages.map((s) => notRun(s, `target unreachable: ${error}`)) };
    }
    const stages = run.plan.stages.map((s) => run.stages.get(s) ?? notRun(s, 'not run'));
    return { target: run.plan.target, status: run.failed ? 'failed' : 'applied', stages };
  });
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

/** A stage's place in the global order: `apply|10` … `apply|40`, then `delete|40` … `delete|10`. */
function waveKey(stage: PlanStage): string {
  return `${stage.phase}|${stage.order}`;
}

function compareWaves(a: string, b: string): number {
  const [pa, oa] = a.split('|') as [string, string];
  const [pb, ob] = b.split('|') as [string, string];
  if (pa !== pb) return pa === 'apply' ? -1 : 1;
  return pa === 'apply' ? Number(oa) - Number(ob) : Number(ob) - Number(oa);
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

/** A stage that did not run: every write skipped with `reason`. */
export function notRun(stage: PlanStage, reason: string): ResultStage {
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
