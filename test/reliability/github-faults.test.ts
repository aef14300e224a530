import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stopAllBots, type BotProcess } from '../support/bot-process.js';
import { pullRequestDelivery } from '../support/github-server/webhook-payloads.js';
import { describeConvergence } from './cluster-convergence.js';
import { CLUSTER_FILE, startReliabilityHarness, waitFor, type ReliabilityHarness } from './reliability-harness.js';

const PLAN_MARKER = '<!-- kkp-gitops:plan -->';

describe('GitHub answering 502 and secondary rate limits', () => {
  let h: ReliabilityHarness;
  let bot: BotProcess;

  beforeEach(async () => {
    h = await startReliabilityHarness();
    bot = h.bot();
    await bot.start();
  }, 60_000);

  afterEach(async () => {
    await h?.stop();
    await stopAllBots();
  });

  it('still gives a pull request exactly one completed check run and one plan comment', async () => {
    const pr = h.openPullRequest('rename-staging', () => h.edit(CLUSTER_FILE, /humanReadableName: .*/, 'humanReadableName: Shop staging through faults'));
    const repoPath = `^/repos/${h.repo.fullName}`;
    h.gh.injectFault({ method: 'POST', path: new RegExp(`${repoPath}/check-runs$`), kind: 'bad-gateway' });
    h.gh.injectFault({ method: 'POST', path: new RegExp(`${repoPath}/issues/\\d+/comments$`), kind: 'secondary-rate-limit', retryAfterSeconds: 1 });
    h.gh.injectFault({ method: 'PATCH', path: new RegExp(`${repoPath}/check-runs/\\d+$`), kind: 'bad-gateway' });
    h.gh.injectFault({ method: 'PATCH', path: new RegExp(`${repoPath}/check-runs/\\d+$`), kind: 'secondary-rate-limit', retryAfterSeconds: 1 });

    const response = await h.deliver(bot, pullRequestDelivery(h.gh, pr, 'opened'));
    expect(response.status).toBe(200);
    await waitFor(
      () => h.gh.store.checkRuns.some((r) => r.headSha === pr.head.sha && r.status === 'completed') && h.gh.store.commentsOn(pr.repositoryId, pr.number).some((c) => c.body.includes(PLAN_MARKER)),
      20_000,
      () => `no completed check run and plan comment for ${pr.head.sha.slice(0, 7)}\n${bot.output()}`,
    );
    await h.waitForGitHubQuiet();

    // Every injected fault was met (the bot was really exposed to them)...
    const faulted = h.gh.requests.filter((r) => r.status === 502 || (r.status === 403 && r.route !== 'git'));
    expect(faulted.map((r) => `${r.method} ${r.status}`).sort()).toEqual(['PATCH 403', 'PATCH 502', 'POST 403', 'POST 502']);
    // ...and each result arrived once.
    const runs = h.gh.store.checkRuns.filter((r) => r.headSha === pr.head.sha);
    expect(runs, bot.output()).toHaveLength(1);
    expect(runs[0]).toMatchObject({ name: 'kkp-gitops', status: 'completed', conclusion: 'success' });
    expect(runs[0]!.output.text).toContain('Cluster/shop-staging-eu');
    const comments = h.gh.store.commentsOn(pr.repositoryId, pr.number).filter((c) => c.body.includes(PLAN_MARKER));
    expect(comments, bot.output()).toHaveLength(1);
    expect(comments[0]!.body).toContain(pr.head.sha);
    expect(comments[0]!.body).toContain('Shop staging through faults');
  });

  it('still gives a merge one deployment per target with final statuses, one commit status outcome, and applies it', async () => {
    const repoPath = `^/repos/${h.repo.fullName}`;
    h.gh.injectFault({ method: 'POST', path: new RegExp(`${repoPath}/deployments$`), kind: 'bad-gateway' });
    h.gh.injectFault({ method: 'POST', path: new RegExp(`${repoPath}/deployments$`), kind: 'secondary-rate-limit', retryAfterSeconds: 1 });
    h.gh.injectFault({ method: 'POST', path: new RegExp(`${repoPath}/deployments/\\d+/statuses$`), kind: 'secondary-rate-limit', retryAfterSeconds: 1 });
    h.gh.injectFault({ method: 'POST', path: new RegExp(`${repoPath}/deployments/\\d+/statuses$`), kind: 'bad-gateway', times: 2 });
    h.gh.injectFault({ method: 'POST', path: new RegExp(`${repoPath}/statuses/[0-9a-f]+$`), kind: 'bad-gateway' });
    const sha = h.git('rev-parse', 'HEAD');

    await h.deliver(bot, h.push('0'.repeat(40), sha));
    await h.waitForDeploy(sha);
    await h.waitForGitHubQuiet();

    const faulted = h.gh.requests.filter((r) => r.status === 502 || (r.status === 403 && r.route !== 'git'));
    expect(faulted).toHaveLength(6);
    const deployments = h.deploymentsOf(sha);
    expect(deployments.map((d) => d.environment), bot.output()).toEqual(['kkp/master', 'kkp/seed-eu', 'kkp/seed-us']);
    for (const d of deployments) expect(d.statuses.map((s) => s.state), `${d.environment}\n${bot.output()}`).toEqual(['in_progress', 'success']);
    expect(h.applyStatuses(sha)).toEqual(['pending', 'success']);
    const convergence = await h.convergence(sha);
    expect(convergence.missing, describeConvergence(convergence)).toEqual([]);
    expect(convergence.differing, describeConvergence(convergence)).toEqual([]);
    expect(convergence.extra, describeConvergence(convergence)).toEqual([]);
  });
});
