/**
 * Executes a plan as a rollout; never decides again. The master goes first, then the seeds wave by wave
 * (`planWaves`); after applying each target it waits until KKP reports every object it changed healthy
 * (`waitForHealth`, the target's `timeoutSeconds`). A wave starts only when every target of the previous one is
 * healthy and its change window (if any) is open; an unhealthy wave stops the rollout (`haltOnFailure`, default):
 * the later waves are not touched. The master's deletions run after the last seed wave, so that a seed's Clusters go
 * before the master's Seeds and Projects as in `applyPlan`.
 *
 * Without the wait and without waves this is exactly `applyPlan` (one pass over every target).
 */
import type { Clock } from '../../coordination/clock.js';
import type { RolloutConfig } from '../config/repository-config.js';
import type { HealthExpectations } from '../health/object-health.js';
import type { Plan, StagePhase, TargetPlan } from '../plan/plan.js';
import { MASTER_TARGET } from '../render/desired-state.js';
import { changeWindowAt } from '../rollout/change-window.js';
import { planWaves, type RolloutWavePlan } from '../rollout/plan-waves.js';
import { applyPlan, notRun, type ApplyPlanOptions } from './apply-plan.js';
import type { ApplyResult, RolloutStop, TargetResult, WaveOutcome } from './apply-result.js';
import type { TargetClients } from './cluster-client.js';
import { waitForHealth, type TargetHealth, type TargetHealthProgress } from './wait-for-health.js';

export interface RolloutPlanOptions extends ApplyPlanOptions {
  /** `spec.rollout` of the commit being applied. */
  readonly rollout: RolloutConfig;
  /** Wait for health after each target. Default: `rollout.wait`. */
  readonly wait?: boolean;
  /** The one clock: timeouts, change windows. */
  readonly clock: Clock;
  /** Targets of a rollout that did not finish before (a restart, `/kkp resume`): every object of theirs is waited for, not only the changed ones. */
  readonly recheck?: ReadonlySet<string>;
  readonly expectations?: HealthExpectations;
  /** Before a wave is applied; the rollout goes on once it resolves. */
  readonly onWaveStart?: (wave: RolloutWavePlan) => Promise<void> | void;
  /** After a wave's targets were applied and waited for. */
  readonly onWaveEnd?: (wave: WaveOutcome) => Promise<void> | void;
  readonly onHealthProgress?: (progress: TargetHealthProgress) => void;
  readonly pollMs?: number;
}

export async function rolloutPlan(plan: Plan, clients: TargetClients, options: RolloutPlanOptions): Promise<ApplyResult> {
  const wait = options.wait ?? options.rollout.wait;
  if (!wait && options.rollout.waves.length === 0) {
    return applyPlan(plan, clients, options);
  }
  const waves = planWaves(plan.targets.map((t) => t.target), options.rollout);
  const results = new Map<string, TargetResult[]>();
  const outcomes: WaveOutcome[] = [];
  const health: TargetHealth[] = [];
  let stopped: RolloutStop | undefined;
  const base = { type: 'apply' as const, repository: plan.repository, ...(plan.commit ? { commit: plan.commit } : {}), dryRun: options.dryRun ?? false, unrendered: plan.unrendered };
  for (const wave of waves) {
    if (stopped) {
      outcomes.push({ number: wave.number, targets: wave.targets, status: 'not-run' });
      continue;
    }
    const window = changeWindowAt(wave.windows, options.clock.now());
    if (!window.open) {
      stopped = { wave: wave.number, why: 'window', reason: window.reason, ...(window.opensAt !== undefined ? { opensAt: new Date(window.opensAt).toISOString() } : {}), untouched: untouchedFrom(waves, wave.number) };
      outcomes.push({ number: wave.number, targets: wave.targets, status: 'not-run' });
      continue;
    }
    await options.onWaveStart?.(wave);
    const part = subPlan(plan, wave.targets, wave.targets.includes(MASTER_TARGET) ? 'apply' : undefined);
    const applied = await applyPlan(part, clients, options);
    for (const t of applied.targets) results.set(t.target, [...(results.get(t.target) ?? []), t]);
    const waited = wait ? await Promise.all(applied.targets.filter((t) => t.status === 'applied').map((t) => waitForTarget(t, part, clients, options))) : [];
    health.push(...waited);
    const bad = [...applied.targets.filter((t) => t.status !== 'applied').map((t) => t.target), ...waited.filter((h) => h.state !== 'healthy').map((h) => h.target)];
    const outcome: WaveOutcome = { number: wave.number, targets: wave.targets, status: bad.length === 0 ? 'healthy' : 'unhealthy' };
    outcomes.push(outcome);
    await options.onWaveEnd?.(outcome);
    if (bad.length > 0 && options.rollout.haltOnFailure) {
      stopped = { wave: wave.number, why: 'unhealthy', reason: `${bad.join(', ')} ${bad.length === 1 ? 'is' : 'are'} not healthy`, untouched: untouchedFrom(waves, wave.number + 1) };
    }
  }
  // The master's deletions, once every seed holds the commit (a halted rollout keeps them for its next run).
  const masterDeletes = subPlan(plan, [MASTER_TARGET], 'delete');
  if (!stopped && masterDeletes.targets.some((t) => t.stages.length > 0)) {
    const applied = await applyPlan(masterDeletes, clients, options);
    for (const t of applied.targets) results.set(t.target, [...(results.get(t.target) ?? []), t]);
  }
  const targets = plan.targets.map((t) => mergeTarget(t, results.get(t.target), stopped));
  return { ...base, targets, rollout: { waited: wait, waves: outcomes, health, ...(stopped ? { stopped } : {}) } };
}

async function waitForTarget(applied: TargetResult, plan: Plan, clients: TargetClients, options: RolloutPlanOptions): Promise<TargetHealth> {
  const client = clients.get(applied.target)!;
  const everything = options.recheck?.has(applied.target) ?? false;
  const planned = plan.targets.find((t) => t.target === applied.target);
  const ids = everything
    ? (planned?.stages ?? []).flatMap((s) => s.changes).filter((c) => c.action !== 'delete').map((c) => c.id)
    : applied.stages.flatMap((s) => s.changes).filter((c) => !c.error && (c.action === 'create' || c.action === 'update')).map((c) => c.id);
  return waitForHealth(client, ids, {
    timeoutMs: options.rollout.timeoutSeconds * 1000,
    clock: options.clock,
    ...(options.expectations ? { expectations: options.expectations } : {}),
    ...(options.onHealthProgress ? { onProgress: options.onHealthProgress } : {}),
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
  });
}

/** The plan restricted to `targets` (and, when given, to the stages of one phase). */
function subPlan(plan: Plan, targets: readonly string[], phase: StagePhase | undefined): Plan {
  const wanted = new Set(targets);
  return {
    ...plan,
    targets: plan.targets.filter((t) => wanted.has(t.target)).map((t): TargetPlan => (phase ? { ...t, stages: t.stages.filter((s) => s.phase === phase) } : t)),
  };
}

function untouchedFrom(waves: readonly RolloutWavePlan[], number: number): string[] {
  return waves.filter((w) => w.number >= number).flatMap((w) => w.targets);
}

/** One target's result from its parts (the master's apply and delete passes), or every write skipped when it was not run. */
function mergeTarget(planned: TargetPlan, parts: readonly TargetResult[] | undefined, stopped: RolloutStop | undefined): TargetResult {
  const ran = new Map((parts ?? []).flatMap((p) => p.stages.map((s) => [`${s.phase}|${s.order}`, s] as const)));
  const first = parts?.[0];
  const reason = stopped ? (stopped.why === 'window' ? `not run: wave ${stopped.wave} waits for its change window` : `not run: the rollout stopped at wave ${stopped.wave} (${stopped.reason})`) : 'not run';
  const stages = planned.stages.map((s) => ran.get(`${s.phase}|${s.order}`) ?? notRun(s, reason));
  if (!first) {
    if (planned.status === 'unreachable') return { target: planned.target, status: 'unreachable', ...(planned.error ? { error: planned.error } : {}), stages };
    return { target: planned.target, status: 'applied', stages };
  }
  const status = parts!.some((p) => p.status === 'unreachable') ? 'unreachable' : parts!.some((p) => p.status === 'failed') ? 'failed' : 'applied';
  const error = parts!.find((p) => p.error)?.error;
  return { target: planned.target, status, ...(error ? { error } : {}), stages };
}
