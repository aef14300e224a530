import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverWebhook } from '../support/github-server/deliver-webhook.js';
import type { PullRequestRecord } from '../support/github-server/store.js';
import { pullRequestDelivery } from '../support/github-server/webhook-payloads.js';
import { startAppHarness, type AppHarness } from './app-harness.js';

const CLUSTER_FILE = 'projects/webshop7k2/clusters/shop-staging-eu.yaml';

describe('work handling over HTTP: repeated deliveries, coalesced plans, GitHub failures, permanent errors', () => {
  let h: AppHarness;

  beforeAll(async () => {
    h = await startAppHarness({ repository: 'kkp-work' });
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
  });

  function rename(to: string): void {
    const file = join(h.work, CLUSTER_FILE);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/humanReadableName: .*/, `humanReadableName: ${to}`));
  }

  function openPullRequest(name: string): PullRequestRecord {
    h.git('checkout', '--quiet', '-B', name, 'main');
    rename(`Shop ${name}`);
    h.commitAll(`change ${name}`);
    h.git('push', '--quiet', '--force', 'origin', name);
    return h.gh.openPullRequest({ repository: h.repo, headRef: name, user: 'alice' });
  }

  /** A new commit on the pull request's branch, pushed; the store's pull request follows it. */
  function pushTo(pr: PullRequestRecord, to: string): string {
    h.git('checkout', '--quiet', pr.head.ref);
    rename(to);
    const sha = h.commitAll(`more on ${pr.head.ref}`);
    h.git('push', '--quiet', 'origin', pr.head.ref);
    h.gh.refreshPullRequest(pr);
    return sha;
  }

  const planComments = (pr: PullRequestRecord) => h.gh.store.commentsOn(pr.repositoryId, pr.number).filter((c) => c.body.includes('<!-- kkp-gitops:plan'));
  const checkRunsOn = (sha: string) => h.gh.store.checkRuns.filter((r) => r.headSha === sha && r.name === 'kkp-gitops');
  const commentWrites = (since: number) => h.gh.writes(since).filter((r) => /\/issues\/(\d+\/)?comments/.test(r.path) && r.status < 300);

  it('acts once on a delivery GitHub sends three times: one plan comment, one check run', async () => {
    const pr = openPullRequest('thrice');
    const delivery = pullRequestDelivery(h.gh, pr, 'opened');
    const since = h.gh.requests.length;
    const responses = [];
    for (let i = 0; i < 3; i++) responses.push(await deliverWebhook(h.webhookUrl, h.gh.app.webhookSecret, delivery, 'delivery-thrice'));
    await h.app.idle();
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(checkRunsOn(pr.head.sha)).toHaveLength(1);
    expect(checkRunsOn(pr.head.sha)[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(planComments(pr)).toHaveLength(1);
    expect(commentWrites(since).map((r) => r.method)).toEqual(['POST']);
  });

  it('publishes only the newest head’s plan when two pushes come in quick succession; the older never overwrites it', async () => {
    const pr = openPullRequest('quick');
    const older = pr.head.sha;
    const master = h.sandbox.clusters.get('master')!;
    // Slow reads keep the first plan running while the second push arrives.
    master.faults.set({ latencyMs: 150 });
    const since = h.gh.requests.length;
    try {
      await h.deliver(pullRequestDelivery(h.gh, pr, 'opened'));
      const newer = pushTo(pr, 'Shop quick newest');
      await h.deliver(pullRequestDelivery(h.gh, pr, 'synchronize'));
      await h.app.idle();

      const comments = planComments(pr);
      expect(comments).toHaveLength(1);
      expect(comments[0]!.body).toContain(`Computed for commit ${newer}`);
      // No comment write ever carried the older head's plan.
      const written = commentWrites(since).map((r) => String((r.body as { body?: string }).body));
      expect(written.length).toBeGreaterThan(0);
      expect(written.every((body) => !body.includes(older))).toBe(true);
      expect(checkRunsOn(newer)).toHaveLength(1);
      expect(checkRunsOn(newer)[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
      // The older head's run, if it had started, was closed as superseded by the newer one.
      for (const run of checkRunsOn(older)) {
        expect(run).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
        expect(run.output.title).toBe(`Superseded by ${newer.slice(0, 7)}`);
      }
    } finally {
      master.faults.clear();
    }
  });

  it('does not plan a head whose delivery arrives after a newer head’s (older updated_at)', async () => {
    const pr = openPullRequest('late-delivery');
    const older = pr.head.sha;
    const late = pullRequestDelivery(h.gh, pr, 'synchronize');
    const newer = pushTo(pr, 'Shop late newest');
    await h.deliver(pullRequestDelivery(h.gh, pr, 'synchronize'));
    await h.deliver(late);
    await h.app.idle();

    expect(checkRunsOn(newer)).toHaveLength(1);
    expect(checkRunsOn(newer)[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(checkRunsOn(older)).toEqual([]);
    expect(planComments(pr).map((c) => c.body.includes(`Computed for commit ${newer}`))).toEqual([true]);
  });

  it('still writes the comment and the check run exactly once when GitHub answers 502 and a secondary rate limit', async () => {
    const pr = openPullRequest('flaky-github');
    h.gh.injectFault({ method: 'POST', path: /\/issues\/\d+\/comments$/, kind: 'bad-gateway', times: 1 });
    h.gh.injectFault({ method: 'POST', path: /\/check-runs$/, kind: 'secondary-rate-limit', retryAfterSeconds: 1, times: 1 });
    h.gh.injectFault({ method: 'PATCH', path: /\/check-runs\/\d+$/, kind: 'bad-gateway', times: 1 });
    const since = h.gh.requests.length;
    await h.deliverAndWait(pullRequestDelivery(h.gh, pr, 'opened'));

    const failed = h.gh.requests.slice(since).filter((r) => r.status === 502 || r.status === 403);
    expect(failed.map((r) => `${r.method} ${r.status}`).sort()).toEqual(['PATCH 502', 'POST 403', 'POST 502']);
    expect(checkRunsOn(pr.head.sha)).toHaveLength(1);
    expect(checkRunsOn(pr.head.sha)[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(planComments(pr)).toHaveLength(1);
    expect(planComments(pr)[0]!.body).toContain(`Computed for commit ${pr.head.sha}`);
  }, 30_000);

  it('reports a permanent error on the check run with the reason: the master is unreachable', async () => {
    const pr = openPullRequest('no-master');
    const master = h.sandbox.clusters.get('master')!;
    await master.faults.refuseConnections();
    try {
      await h.deliverAndWait(pullRequestDelivery(h.gh, pr, 'opened'));
    } finally {
      await master.faults.acceptConnections();
    }
    const runs = checkRunsOn(pr.head.sha);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(runs[0]!.output.summary).toContain('| `master` | 0 | 0 | 0 | 0 | 0 | unreachable |');
    // A fixed reason, never the address (for a seed it would come from a kubeconfig Secret).
    expect(runs[0]!.output.text).toMatch(/`master` unreachable: master unreachable \(ECONNREFUSED\): /);
    expect(planComments(pr)[0]!.body).toMatch(/master unreachable \(ECONNREFUSED\)/);
    expect(planComments(pr)[0]!.body).not.toContain('127.0.0.1');
  }, 30_000);
});
