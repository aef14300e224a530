import { ACTIONS, type Action } from '../core/action.js';
import type { ApplyResult } from '../core/apply/apply-result.js';
import type { Metrics } from '../observability/metrics.js';
import type { KkpEngine } from '../engine/kkp-engine.js';

/** The label of durations measured over all targets at once (a plan reads every target together). */
export const ALL_TARGETS = 'all';

/**
 * The engine port with metrics recorded around it: plan and apply durations, the changes an apply made per target
 * and action, and every error under its kind. Behaviour is unchanged: results and errors pass through.
 */
export function instrumentEngine(engine: KkpEngine, metrics: Metrics): KkpEngine {
  return {
    load: (gitDir, commit, options) => engine.load(gitDir, commit, options),
    async reconcile(input) {
      const stop = metrics.planDuration.startTimer(ALL_TARGETS);
      try {
        return await engine.reconcile(input);
      } catch (error) {
        metrics.errors.inc(error);
        throw error;
      } finally {
        stop();
      }
    },
    async apply(plan, clients, options) {
      const stop = metrics.applyDuration.startTimer(ALL_TARGETS);
      try {
        const result = await engine.apply(plan, clients, options);
        for (const [target, counts] of countsPerTarget(result)) metrics.changes.add(target, counts);
        return result;
      } catch (error) {
        metrics.errors.inc(error);
        throw error;
      } finally {
        stop();
      }
    },
  };
}

/** What an apply did, per target and action. */
export function countsPerTarget(result: ApplyResult): Map<string, Record<Action, number>> {
  const counts = new Map<string, Record<Action, number>>();
  for (const target of result.targets) {
    const row = Object.fromEntries(ACTIONS.map((a) => [a, 0])) as Record<Action, number>;
    for (const stage of target.stages) for (const change of stage.changes) row[change.action]++;
    counts.set(target.target, row);
  }
  return counts;
}
