import type { KkpEngine } from '../engine/kkp-engine.js';
import type { StatusRecorder } from './status-recorder.js';

/**
 * The engine port with the status page's notes taken around it: each plan's summary and each apply's outcome per
 * target, with their durations. Results and errors pass through unchanged.
 */
export function recordingEngine(engine: KkpEngine, recorder: StatusRecorder, now: () => number = Date.now): KkpEngine {
  return {
    load: (gitDir, commit, options) => engine.load(gitDir, commit, options),
    async reconcile(input) {
      const started = now();
      try {
        const planned = await engine.reconcile(input);
        if (planned.plan) recorder.recordPlan(planned.plan, started, now() - started);
        else if (input.repository) recorder.recordFailure(input.repository, 'plan', started, now() - started, input.head.commit);
        return planned;
      } catch (error) {
        if (input.repository) recorder.recordFailure(input.repository, 'plan', started, now() - started, input.head.commit);
        throw error;
      }
    },
    async apply(plan, clients, options) {
      const started = now();
      try {
        const result = await engine.apply(plan, clients, options);
        recorder.recordApply(result, started, now() - started);
        return result;
      } catch (error) {
        recorder.recordFailure(plan.repository, 'apply', started, now() - started, plan.commit);
        throw error;
      }
    },
  };
}
