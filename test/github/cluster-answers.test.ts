/**
 * What a cluster answers is never quoted into GitHub beyond the HTTP status and a fixed reason (issue 13): a seed
 * and the master refuse with a hostile Status (Markdown, a mention, a link, a fake "applied"), on the pull request's
 * plan (server-side dry-run) and on the merge's apply; every request the app sends to GitHub is checked.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectedRefusal } from '../../src/emulator/faults.js';
import { pullRequestDelivery, pushDelivery } from '../support/github-server/webhook-payloads.js';
import { startAppHarness, type AppHarness } from './app-harness.js';

const CLUSTER_FILE = 'projects/webshop7k2/clusters/shop-staging-eu.yaml';
const HOSTILE_WORDS = ['HOSTILE', '@mallory', 'evil.example', '✅ applied', '<img', '](http'];
const HOSTILE = 'HOSTILE ✅ applied by @mallory — see [the fix](https://evil.example/x) <img src=x onerror=alert(1)> **all good**';

const refusal = (code: number, reason: string): InjectedRefusal => ({
  code,
  reason,
  message: `admission webhook "clusters.kubermatic.k8c.io" denied the request: ${HOSTILE}`,
  causes: [{ reason: 'FieldValueInvalid', field: 'spec.humanReadableName', message: HOSTILE }, { reason: '@mallory **x**', field: 'spec.x](https://evil.example)' }],
});

describe('cluster answers on GitHub', () => {
  let h: AppHarness;

  beforeAll(async () => {
    h = await startAppHarness();
    await h.deliverAndWait(pushDelivery(h.gh, h.repo, 'main', '0'.repeat(40)));
  }, 120_000);

  afterAll(async () => {
    await h?.stop();
  });

  /** Every write the app sent to GitHub that carries any of the hostile words, as `METHOD path: word`. */
  function hostileWrites(since: number): string[] {
    return h.gh.requests
      .slice(since)
      .filter((r) => r.method !== 'GET' && r.route !== 'git')
      .flatMap((r) => HOSTILE_WORDS.filter((w) => JSON.stringify(r.body ?? '').includes(w)).map((w) => `${r.method} ${r.path}: ${w}`));
  }

  it('never quotes a refusing seed or master into the plan, the check run, the deployments, the statuses or the comments', async () => {
    const since = h.gh.requests.length;
    h.git('checkout', '--quiet', '-B', 'rename', 'main');
    const file = join(h.work, CLUSTER_FILE);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/humanReadableName: .*/, 'humanReadableName: Renamed'));
    h.commitAll('rename');
    h.git('push', '--quiet', '--force', 'origin', 'rename');
    const pr = h.gh.openPullRequest({ repository: h.repo, headRef: 'rename', user: 'alice' });
    const seed = h.sandbox.clusters.get('seed-eu')!;
    seed.faults.set({ failureRate: 1, verbs: ['patch', 'create', 'update'], refusal: refusal(422, 'Invalid') });
    try {
      await h.deliverAndWait(pullRequestDelivery(h.gh, pr, 'opened'));
      const run = h.gh.store.checkRuns.find((r) => r.headSha === pr.head.sha && r.name === 'kkp-gitops')!;
      expect(run.conclusion).toBe('failure');
      // The diagnostic on the file's line carries the code, the reason, and the cause's field path and type only.
      const annotation = run.annotations.find((a) => a.title === 'apiserver/dry-run-refused');
      expect(annotation).toMatchObject({ path: CLUSTER_FILE });
      expect(annotation!.message).toContain('422 refused by admission webhook (spec.humanReadableName: FieldValueInvalid)');

      h.git('checkout', '--quiet', 'main');
      h.git('merge', '--quiet', '--no-ff', '-m', `Merge pull request #${pr.number}`, 'rename');
      const before = h.gh.branchSha(h.repo, 'main');
      h.git('push', '--quiet', 'origin', 'main');
      const after = h.gh.branchSha(h.repo, 'main');
      h.gh.markMerged(pr, after);
      h.sandbox.clusters.get('master')!.faults.set({ failureRate: 1, verbs: ['patch'], refusal: refusal(403, 'Forbidden') });
      await h.deliverAndWait(pushDelivery(h.gh, h.repo, 'main', before));
      const status = h.gh.store.statuses.filter((s) => s.sha === after && s.context === 'kkp-gitops/apply').at(-1)!;
      expect(status.state).not.toBe('success');
      expect(h.gh.store.commentsOn(pr.repositoryId, pr.number).some((c) => c.body.includes(`kkp-gitops:apply-${after}`))).toBe(true);
    } finally {
      seed.faults.clear();
      h.sandbox.clusters.get('master')!.faults.clear();
    }
    expect(hostileWrites(since)).toEqual([]);
  }, 120_000);
});
