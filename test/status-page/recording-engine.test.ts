import { describe, expect, it } from 'vitest';
import type { ApplyResult } from '../../src/core/apply/apply-result.js';
import { DEFAULT_REPOSITORY_CONFIG } from '../../src/core/config/repository-config.js';
import type { LoadedRepository } from '../../src/core/load/loaded-repository.js';
import type { Plan } from '../../src/core/plan/plan.js';
import type { KkpEngine } from '../../src/engine/kkp-engine.js';
import { observeOctokit } from '../../src/status-page/github-observer.js';
import { recordingEngine } from '../../src/status-page/recording-engine.js';
import { createStatusRecorder } from '../../src/status-page/status-recorder.js';

const COMMIT = 'c'.repeat(40);
const plan: Plan = { type: 'plan', repository: 'acme/kkp-config', commit: COMMIT, allowDeletions: false, unrendered: [], targets: [{ target: 'master', status: 'ready', stages: [] }] };
const result: ApplyResult = { type: 'apply', repository: 'acme/kkp-config', commit: COMMIT, dryRun: false, unrendered: [], targets: [{ target: 'master', status: 'failed', error: 'refused', stages: [] }] };
const head = { commit: COMMIT } as LoadedRepository;

function engine(fail: boolean): KkpEngine {
  return {
    load: async () => head,
    reconcile: async () => {
      if (fail) throw new Error('master unreachable');
      return { diagnostics: [], plan, policy: DEFAULT_REPOSITORY_CONFIG.policy, release: async () => undefined };
    },
    apply: async () => result,
  };
}

describe('recordingEngine', () => {
  it('notes each plan and apply with its outcome and duration, and passes results through unchanged', async () => {
    const recorder = createStatusRecorder(() => 'replica-a');
    let clock = 1_000;
    const recording = recordingEngine(engine(false), recorder, () => (clock += 250));
    const planned = await recording.reconcile({ head, repository: 'acme/kkp-config' });
    expect(planned.plan).toBe(plan);
    expect(await recording.apply(plan, new Map())).toBe(result);
    expect(recorder.reconciles().map((r) => [r.kind, r.outcome, r.durationMs, r.replica])).toEqual([
      ['apply', 'failed', 250, 'replica-a'],
      ['plan', 'no changes', 250, 'replica-a'],
    ]);
    expect(recorder.repository('acme/kkp-config')?.applies.get('master')).toMatchObject({ commit: COMMIT, status: 'failed', replica: 'replica-a' });
  });

  it('notes a plan that failed and rethrows its error', async () => {
    const recorder = createStatusRecorder(() => 'replica-a');
    await expect(recordingEngine(engine(true), recorder).reconcile({ head, repository: 'acme/kkp-config' })).rejects.toThrow('master unreachable');
    expect(recorder.reconciles()[0]).toMatchObject({ kind: 'plan', outcome: 'error', commit: COMMIT });
  });
});

describe('observeOctokit', () => {
  it("takes notes from the bot's own GitHub answers and never breaks a call on an odd answer", () => {
    const recorder = createStatusRecorder(() => 'r');
    let hook: ((response: { data: unknown }, options: Record<string, unknown>) => void) | undefined;
    observeOctokit(recorder)({ hook: { after: (_name, h) => void (hook = h as never) } });
    hook!({ data: { commit: { sha: COMMIT, commit: { message: 'Merge pull request #3\n\ndetails' } } } }, { method: 'GET', url: '/repos/{owner}/{repo}/branches/{branch}', owner: 'acme', repo: 'kkp-config', branch: 'main' });
    hook!({ data: [{ number: 3, merged_at: '2026-12-08T00:00:00Z', html_url: 'https://github.com/acme/kkp-config/pull/3' }] }, { method: 'GET', url: '/repos/{owner}/{repo}/commits/{commit_sha}/pulls', owner: 'acme', repo: 'kkp-config', commit_sha: COMMIT });
    expect(() => hook!({ data: null }, { method: 'GET', url: '/repos/{owner}/{repo}/pulls', owner: 'acme', repo: 'kkp-config' })).not.toThrow();
    const seen = recorder.repository('acme/kkp-config');
    expect(seen?.head).toEqual({ sha: COMMIT, title: 'Merge pull request #3' });
    expect(seen?.mergedFrom.get(COMMIT)).toEqual({ number: 3, url: 'https://github.com/acme/kkp-config/pull/3' });
  });
});
