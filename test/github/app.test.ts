import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALLOWANCE_CONTEXT } from '../../src/github/deletion-allowance.js';
import { APPLY_STATUS_CONTEXT } from '../../src/github/deploy-push.js';
import { issueCommentDelivery, pullRequestDelivery, pushDelivery } from '../support/github-server/webhook-payloads.js';
import type { PullRequestRecord } from '../support/github-server/store.js';
import { startAppHarness, type AppHarness } from './app-harness.js';

const PLAN_MARKER = '<!-- kkp-gitops:plan -->';
const CLUSTER_FILE = 'projects/webshop7k2/clusters/shop-staging-eu.yaml';

describe('the GitHub App over HTTP', () => {
  let h: AppHarness;

  beforeAll(async () => {
    h = await startAppHarness();
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
  });

  function clusterOnSeed(seed: string, name: string): unknown {
    const api = h.sandbox.clusters.get(seed)!.api;
    return api.find(api.typeOf('kubermatic.k8c.io/v1', 'Cluster')!, undefined, name);
  }

  function planComments(pr: PullRequestRecord) {
    return h.gh.store.commentsOn(pr.repositoryId, pr.number).filter((c) => c.body.includes('<!-- kkp-gitops:plan'));
  }

  /** Branch `name` from main, change the work tree, commit, push, open a pull request. */
  function openPullRequest(name: string, change: () => void): PullRequestRecord {
    h.git('checkout', '--quiet', '-B', name, 'main');
    change();
    h.commitAll(`change ${name}`);
    h.git('push', '--quiet', '--force', 'origin', name);
    return h.gh.openPullRequest({ repository: h.repo, headRef: name, user: 'alice' });
  }

  /** Merge the pull request's branch into main with a merge commit and push main. */
  function merge(pr: PullRequestRecord): { before: string; after: string } {
    const before = h.gh.branchSha(h.repo, 'main');
    h.git('checkout', '--quiet', 'main');
    h.git('merge', '--quiet', '--no-ff', '-m', `Merge pull request #${pr.number}`, pr.head.ref);
    h.git('push', '--quiet', 'origin', 'main');
    const after = h.gh.branchSha(h.repo, 'main');
    h.gh.markMerged(pr, after);
    return { before, after };
  }

  it('applies the default branch on push with one deployment per target, final statuses and a commit status', async () => {
    const sha = h.gh.branchSha(h.repo, 'main');
    const response = await h.deliverAndWait(pushDelivery(h.gh, h.repo, 'main', '0'.repeat(40)));
    expect(response.status).toBe(200);
    const environments = h.gh.store.deployments.map((d) => d.environment).sort();
    expect(environments).toEqual(['kkp/master', ...h.sandbox.seeds.map((s) => `kkp/${s}`)].sort());
    for (const d of h.gh.store.deployments) {
      expect(d.sha).toBe(sha);
      expect(d.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
      expect(d.statuses[1]!.description).toMatch(/^Applied: \d+ created/);
    }
    const status = h.gh.store.statuses.filter((s) => s.context === APPLY_STATUS_CONTEXT && s.sha === sha);
    expect(status.map((s) => s.state)).toEqual(['pending', 'success']);
    expect(clusterOnSeed('seed-eu', 'shop-staging-eu')).toBeDefined();
  });

  it('gives a valid pull request a green check and one plan comment for its head', async () => {
    const pr = openPullRequest('bump-staging', () => {
      const file = join(h.work, CLUSTER_FILE);
      writeFileSync(file, readFileSync(file, 'utf8').replace('humanReadableName: Shop staging (EU)', 'humanReadableName: Shop staging EU'));
    });
    const since = h.gh.requests.length;
    const response = await h.deliver(pullRequestDelivery(h.gh, pr, 'opened'));
    expect(response.status).toBe(200);
    await h.app.idle();
    const runs = h.gh.store.checkRuns.filter((r) => r.headSha === pr.head.sha);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ name: 'kkp-gitops', status: 'completed', conclusion: 'success' });
    const comments = planComments(pr);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain(PLAN_MARKER);
    expect(comments[0]!.body).toContain(pr.head.sha);
    expect(comments[0]!.body).toContain('Cluster/shop-staging-eu');
    const writes = h.gh.writes(since).map((r) => `${r.method} ${r.route}`);
    expect(writes).toEqual([
      'POST /repos/{owner}/{repo}/check-runs',
      'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}',
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
    ]);
  });
});
