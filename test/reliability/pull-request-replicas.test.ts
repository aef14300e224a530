import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PullRequestRecord } from '../support/github-server/store.js';
import { pullRequestDelivery } from '../support/github-server/webhook-payloads.js';
import { CLUSTER_FILE, useReliabilityHarness, waitFor } from './reliability-harness.js';

const PLAN_MARKER = '<!-- kkp-gitops:plan';

describe('pull requests planned by two bot processes', () => {
  const h = useReliabilityHarness();

  it('gives each pull request one plan comment and one completed check run when both bots receive its delivery', async () => {
    const bots = [h.bot(), h.bot()];
    await Promise.all(bots.map((b) => b.start()));
    const pulls: PullRequestRecord[] = [];
    for (let i = 0; i < 3; i++) pulls.push(h.openPullRequest(`replica-${i}`, () => h.edit(CLUSTER_FILE, /humanReadableName: .*/, `humanReadableName: Replica ${i}`)));
    for (const pr of pulls) {
      const delivery = pullRequestDelivery(h.gh, pr, 'opened');
      const id = randomUUID();
      await Promise.all(bots.map((b) => h.deliver(b, delivery, id)));
    }
    await waitFor(
      () => pulls.every((pr) => h.gh.store.checkRuns.some((r) => r.headSha === pr.head.sha && r.status === 'completed') && h.gh.store.commentsOn(pr.repositoryId, pr.number).some((c) => c.body.includes(PLAN_MARKER))),
      90_000,
      () => `the plans did not all arrive\n${bots.map((b) => b.output(3_000)).join('\n')}`,
    );
    await h.waitForGitHubQuiet(1_500);

    const outcome = pulls.map((pr) => ({
      pr: pr.number,
      comments: h.gh.store.commentsOn(pr.repositoryId, pr.number).filter((c) => c.body.includes(PLAN_MARKER)).length,
      completedRuns: h.gh.store.checkRuns.filter((r) => r.headSha === pr.head.sha && r.status === 'completed' && r.conclusion !== 'cancelled').length,
    }));
    expect(outcome).toEqual(pulls.map((pr) => ({ pr: pr.number, comments: 1, completedRuns: 1 })));
  }, 240_000);

  it('never plans a head the other bot already knows to be superseded', async () => {
    const bots = [h.bot(), h.bot()];
    await Promise.all(bots.map((b) => b.start()));
    const pr = h.openPullRequest('superseded', () => h.edit(CLUSTER_FILE, /humanReadableName: .*/, 'humanReadableName: Old head'));
    const oldHead = pr.head.sha;
    // The `opened` delivery as GitHub sent it, with the first head; it reaches the first bot only late.
    const opened = pullRequestDelivery(h.gh, pr, 'opened');
    h.git('checkout', '--quiet', 'superseded');
    h.edit(CLUSTER_FILE, /humanReadableName: .*/, 'humanReadableName: New head');
    h.git('commit', '--quiet', '-am', 'new head');
    h.git('push', '--quiet', 'origin', 'superseded');
    h.git('checkout', '--quiet', 'main');
    const current = h.gh.refreshPullRequest(pr);
    expect(current.head.sha).not.toBe(oldHead);
    await h.deliver(bots[1]!, pullRequestDelivery(h.gh, current, 'synchronize'));
    await h.deliver(bots[0]!, opened);
    await waitFor(
      () => h.gh.store.checkRuns.some((r) => r.headSha === current.head.sha && r.status === 'completed') && h.gh.store.commentsOn(pr.repositoryId, pr.number).some((c) => c.body.includes(current.head.sha)),
      90_000,
      () => `the plan of the new head did not arrive\n${bots.map((b) => b.output(3_000)).join('\n')}`,
    );
    await h.waitForGitHubQuiet(1_500);
    expect(h.gh.store.checkRuns.filter((r) => r.headSha === oldHead)).toEqual([]);
    expect(h.gh.store.commentsOn(pr.repositoryId, pr.number).filter((c) => c.body.includes(PLAN_MARKER))).toHaveLength(1);
  }, 240_000);
});
