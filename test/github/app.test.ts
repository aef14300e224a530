import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeExampleCluster } from '../support/example-work-tree.js';
import { ALLOWANCE_CONTEXT } from '../../src/github/deletion-allowance.js';
import { APPLY_STATUS_CONTEXT } from '../../src/github/deploy-push.js';
import { checkRunRerequestedDelivery, issueCommentDelivery, pullRequestDelivery, pushDelivery, reviewCommentDelivery, reviewDelivery } from '../support/github-server/webhook-payloads.js';
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

  function replaceInFile(path: string, from: RegExp, to: string): void {
    const file = join(h.work, path);
    const text = readFileSync(file, 'utf8');
    if (!from.test(text)) throw new Error(`${from} not found in ${path}`);
    writeFileSync(file, text.replace(from, to));
  }

  /** Commit on the pull request's branch, push it, and deliver `synchronize`. */
  async function pushToPullRequest(pr: PullRequestRecord, change: () => void): Promise<void> {
    h.git('checkout', '--quiet', pr.head.ref);
    change();
    h.commitAll(`more on ${pr.head.ref}`);
    h.git('push', '--quiet', 'origin', pr.head.ref);
    h.gh.refreshPullRequest(pr);
    await h.deliverAndWait(pullRequestDelivery(h.gh, pr, 'synchronize'));
  }

  function reactionsOn(subject: string, id: number): string[] {
    return h.gh.store.reactions.filter((r) => r.subject === subject && r.subjectId === id).map((r) => r.content);
  }

  const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'];

  /** Every write any sandbox cluster answered so far, as `<cluster> <verb> <path>`. */
  /** Writes to the clusters' KKP objects (the repository locks' Lease writes are coordination, not configuration). */
  /** Writes that persist (the plan's dry-runs, `dryRun=All`, store nothing). */
  function clusterWrites(): string[] {
    return [...h.sandbox.clusters.values()].flatMap((c) =>
      c.requests.entries
        .filter((r) => WRITE_VERBS.includes(r.verb) && !r.path.startsWith('/apis/coordination.k8s.io/') && !r.dryRun)
        .map((r) => `${c.name} ${r.verb} ${r.path}`),
    );
  }

  const removeCluster = (file: string): void => removeExampleCluster(h, file);

  let bump: PullRequestRecord;

  it('gives a valid pull request a green check and one plan comment for its head', async () => {
    bump = openPullRequest('bump-staging', () => replaceInFile(CLUSTER_FILE, /humanReadableName: .*/, 'humanReadableName: Shop staging EU'));
    const since = h.gh.requests.length;
    const response = await h.deliver(pullRequestDelivery(h.gh, bump, 'opened'));
    expect(response.status).toBe(200);
    await h.app.idle();
    const runs = h.gh.store.checkRuns.filter((r) => r.headSha === bump.head.sha);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ name: 'kkp-gitops', status: 'completed', conclusion: 'success' });
    expect(runs[0]!.output.text).toContain('Cluster/shop-staging-eu');
    const comments = planComments(bump);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain(PLAN_MARKER);
    expect(comments[0]!.body).toContain(bump.head.sha);
    expect(comments[0]!.body).toContain('Cluster/shop-staging-eu');
    expect(comments[0]!.body).toContain('"Shop staging EU"');
    const writes = h.gh.writes(since).map((r) => `${r.method} ${r.route}`);
    expect(writes).toEqual(['POST /repos/{owner}/{repo}/check-runs', 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments', 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}']);
  });

  it('edits the same plan comment in place when the pull request gets a new push', async () => {
    const [first] = planComments(bump);
    const since = h.gh.requests.length;
    await pushToPullRequest(bump, () => replaceInFile(CLUSTER_FILE, /humanReadableName: .*/, 'humanReadableName: Shop staging Europe'));
    const comments = planComments(bump);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.id).toBe(first!.id);
    expect(comments[0]!.body).toContain(bump.head.sha);
    expect(comments[0]!.body).toContain('"Shop staging Europe"');
    expect(h.gh.writes(since).map((r) => `${r.method} ${r.route}`)).toEqual([
      'POST /repos/{owner}/{repo}/check-runs',
      'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
      'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}',
    ]);
    expect(h.gh.store.checkRuns.filter((r) => r.headSha === bump.head.sha).map((r) => r.conclusion)).toEqual(['success']);
  });

  it("never takes over another bot's comment that carries the plan marker: it writes its own", async () => {
    const pr = openPullRequest('marker-copied', () => replaceInFile(CLUSTER_FILE, /humanReadableName: .*/, 'humanReadableName: Shop staging (copied marker)'));
    const now = new Date().toISOString();
    const foreign = { id: h.gh.store.nextId(), repositoryId: pr.repositoryId, issueNumber: pr.number, body: `${PLAN_MARKER}\nNo destructive changes, safe to merge`, user: h.gh.store.user('other-app[bot]', 'Bot'), appId: h.gh.app.appId + 1, createdAt: now, updatedAt: now };
    h.gh.store.issueComments.push(foreign);
    const since = h.gh.requests.length;
    await h.deliverAndWait(pullRequestDelivery(h.gh, pr, 'opened'));
    expect(foreign.body).toBe(`${PLAN_MARKER}\nNo destructive changes, safe to merge`);
    const ours = planComments(pr).filter((c) => c.user.login === `${h.gh.app.slug}[bot]`);
    expect(ours).toHaveLength(1);
    expect(ours[0]!.body).toContain(pr.head.sha);
    expect(h.gh.writes(since).map((r) => `${r.method} ${r.route}`)).not.toContain('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}');
    expect(h.gh.store.checkRuns.filter((r) => r.headSha === pr.head.sha).map((r) => r.conclusion)).toEqual(['success']);
  });

  it('plans again when the check run is re-run or someone writes /kkp plan in a review', async () => {
    const run = h.gh.store.checkRuns.find((r) => r.headSha === bump.head.sha)!;
    await h.deliverAndWait(checkRunRerequestedDelivery(h.gh, run));
    expect(h.gh.store.checkRuns.filter((r) => r.headSha === bump.head.sha)).toHaveLength(2);
    await h.deliverAndWait(reviewDelivery(h.gh, bump, 'bob', '/kkp plan\nplease'));
    expect(h.gh.store.checkRuns.filter((r) => r.headSha === bump.head.sha)).toHaveLength(3);
    // GitHub has no reactions on reviews: the pull request gets it.
    expect(reactionsOn('issue', bump.number)).toEqual(['eyes']);
    expect(planComments(bump)).toHaveLength(1);
  });

  it('answers /kkp help in a review comment with a reaction and the list of commands', async () => {
    const delivery = reviewCommentDelivery(h.gh, bump, 'bob', '/kkp help', { path: CLUSTER_FILE, line: 8 });
    const commentId = (delivery.payload['comment'] as { id: number }).id;
    const since = h.gh.requests.length;
    await h.deliverAndWait(delivery);
    expect(reactionsOn('pull_request_review_comment', commentId)).toEqual(['+1']);
    const reply = h.gh.store.commentsOn(bump.repositoryId, bump.number).at(-1)!;
    expect(reply.body).toContain('/kkp allow-deletions');
    expect(h.gh.writes(since).map((r) => `${r.method} ${r.route}`)).toEqual(['POST /repos/{owner}/{repo}/pulls/comments/{comment_id}/reactions', 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments']);
  });

  it('fails the check of an invalid pull request with annotations on the lines at fault', async () => {
    const pr = openPullRequest('bad-datacenter', () => replaceInFile(CLUSTER_FILE, /dc: do-ams1/, 'dc: do-nowhere-1'));
    const line = readFileSync(join(h.work, CLUSTER_FILE), 'utf8').split('\n').findIndex((l) => l.includes('dc: do-nowhere-1')) + 1;
    await h.deliverAndWait(pullRequestDelivery(h.gh, pr, 'opened'));
    const [run] = h.gh.store.checkRuns.filter((r) => r.headSha === pr.head.sha);
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(run!.annotations.length).toBeGreaterThan(0);
    expect(run!.annotations.every((a) => a.path === CLUSTER_FILE && a.annotation_level === 'failure')).toBe(true);
    expect(run!.annotations.map((a) => a.start_line)).toContain(line);
    const [comment] = planComments(pr);
    expect(comment!.body).toContain(`${CLUSTER_FILE}:${line}:`);
    expect(comment!.body).toContain('Nothing was planned');
  });

  it('refuses /kkp allow-deletions from someone who can only read, with a reaction and a reply saying why', async () => {
    h.gh.setPermission(h.repo, 'rita', 'read');
    const delivery = issueCommentDelivery(h.gh, bump, 'rita', '/kkp allow-deletions');
    const commentId = (delivery.payload['comment'] as { id: number }).id;
    const since = h.gh.requests.length;
    await h.deliverAndWait(delivery);
    expect(reactionsOn('issue_comment', commentId)).toEqual(['confused']);
    const reply = h.gh.store.commentsOn(bump.repositoryId, bump.number).at(-1)!;
    expect(reply.body).toMatch(/@rita .*needs write, maintain or admin permission.*you have read/);
    expect(h.gh.writes(since).map((r) => `${r.method} ${r.route}`)).toEqual(['POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments']);
    expect(h.gh.store.statuses.filter((s) => s.context === ALLOWANCE_CONTEXT)).toEqual([]);
    expect(h.gh.requests.slice(since).some((r) => r.route === '/repos/{owner}/{repo}/collaborators/{username}/permission')).toBe(true);
  });

  it('plans a pull request from a fork and never writes to a cluster for it', async () => {
    const fork = h.gh.addRepository({ owner: 'mallory', name: 'kkp-config', forkOf: h.repo });
    h.git('checkout', '--quiet', '-B', 'fork-change', 'main');
    removeCluster(CLUSTER_FILE);
    h.commitAll('remove a cluster from a fork');
    h.git('push', '--quiet', '--force', fork.gitDir, 'fork-change');
    const pr = h.gh.openPullRequest({ repository: h.repo, headRef: 'fork-change', headRepository: fork, user: 'mallory' });
    const writesBefore = clusterWrites();
    await h.deliverAndWait(pullRequestDelivery(h.gh, pr, 'opened'));
    const [run] = h.gh.store.checkRuns.filter((r) => r.headSha === pr.head.sha);
    expect(run).toMatchObject({ status: 'completed', conclusion: 'neutral' });
    const [comment] = planComments(pr);
    expect(comment!.body).toContain('comes from a fork');
    expect(comment!.body).toContain('Cluster/shop-staging-eu');
    await h.deliverAndWait(issueCommentDelivery(h.gh, pr, 'mallory', '/kkp allow-deletions'));
    expect(h.gh.store.statuses.filter((s) => s.context === ALLOWANCE_CONTEXT)).toEqual([]);
    expect(clusterWrites()).toEqual(writesBefore);
    expect(clusterOnSeed('seed-eu', 'shop-staging-eu')).toBeDefined();
  });

  it('splits a huge plan into several comments within GitHub limits, never inside a diff or a <details>', async () => {
    const template = h.git('show', `main:${CLUSTER_FILE}`);
    const pr = openPullRequest('many-clusters', () => {
      for (let i = 0; i < 300; i++) {
        const name = `bulk-${String(i).padStart(4, '0')}`;
        writeFileSync(join(h.work, 'projects/webshop7k2/clusters', `${name}.yaml`), template.replace(/name: shop-staging-eu/, `name: ${name}`).replace(/humanReadableName: .*/, `humanReadableName: Bulk ${i} ${'x'.repeat(200)}`));
      }
    });
    await h.deliverAndWait(pullRequestDelivery(h.gh, pr, 'opened'));
    const rejected = h.gh.requests.filter((r) => r.status === 422);
    expect(rejected).toEqual([]);
    const [run] = h.gh.store.checkRuns.filter((r) => r.headSha === pr.head.sha);
    expect(run).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(run!.output.text!.length).toBeLessThanOrEqual(65_535);
    const parts = planComments(pr);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts[0]!.body).toContain(PLAN_MARKER);
    for (const part of parts) {
      expect(part.body.length).toBeLessThanOrEqual(65_536);
      expect((part.body.match(/```/g) ?? []).length % 2).toBe(0);
      expect((part.body.match(/<details>/g) ?? []).length).toBe((part.body.match(/<\/details>/g) ?? []).length);
    }
    const all = parts.map((p) => p.body).join('\n');
    expect(all).toContain('Cluster/bulk-0000');
  });

  it('skips the deletion of a cluster on merge when nobody allowed it, and says so on the pull request', async () => {
    const pr = openPullRequest('drop-staging', () => removeCluster(CLUSTER_FILE));
    await h.deliverAndWait(pullRequestDelivery(h.gh, pr, 'opened'));
    expect(h.gh.store.checkRuns.find((r) => r.headSha === pr.head.sha)).toMatchObject({ conclusion: 'neutral', output: { title: expect.stringMatching(/, 0 to delete, 1 skipped \(deletions not allowed: seed-eu: Cluster\/shop-staging-eu\)$/) } });
    expect(planComments(pr)[0]!.body).toContain('will be **skipped** on merge');
    const { before, after } = merge(pr);
    await h.deliverAndWait(pushDelivery(h.gh, h.repo, 'main', before));
    expect(clusterOnSeed('seed-eu', 'shop-staging-eu')).toBeDefined();
    const result = h.gh.store.commentsOn(pr.repositoryId, pr.number).find((c) => c.body.includes(`<!-- kkp-gitops:apply-${after} -->`));
    expect(result!.body).toContain('1 change was skipped');
    expect(result!.body).toContain('`delete seed-eu: Cluster/shop-staging-eu`');
    // Never green over a cluster that differs from Git: the skipped deletion is on the status and the deployment.
    const statuses = h.gh.store.statuses.filter((s) => s.sha === after && s.context === APPLY_STATUS_CONTEXT);
    expect(statuses.map((s) => s.state)).toEqual(['pending', 'failure']);
    expect(statuses.at(-1)!.description).toMatch(/^Not all applied: .*, 0 deleted, 1 skipped \(deletions not allowed: seed-eu: Cluster\/shop-staging-eu\)$/);
    const seedEu = h.gh.store.deployments.find((d) => d.sha === after && d.environment === 'kkp/seed-eu')!.statuses.at(-1)!;
    expect(seedEu).toMatchObject({ state: 'failure' });
    expect(seedEu.description).toMatch(/^Not all applied: .* 1 skipped \(deletions not allowed: seed-eu: Cluster\/shop-staging-eu\)$/);
    // The other targets skipped nothing: their deployments name nothing.
    expect(h.gh.store.deployments.find((d) => d.sha === after && d.environment === 'kkp/master')!.statuses.at(-1)!.description).toMatch(/0 skipped$/);
  });

  it('deletes a cluster on merge after /kkp allow-deletions for the final head, and a new push revokes the allowance', async () => {
    const victim = 'projects/platform5x/clusters/ci-runners-eu.yaml';
    const pr = openPullRequest('drop-ci-runners', () => removeCluster(victim));
    await h.deliverAndWait(pullRequestDelivery(h.gh, pr, 'opened'));
    h.gh.setPermission(h.repo, 'maria', 'maintain');
    const allow = issueCommentDelivery(h.gh, pr, 'maria', '/kkp allow-deletions');
    await h.deliverAndWait(allow);
    expect(reactionsOn('issue_comment', (allow.payload['comment'] as { id: number }).id)).toEqual(['+1']);
    expect(h.gh.store.statuses.filter((s) => s.context === ALLOWANCE_CONTEXT).map((s) => [s.sha, s.state, s.creator.login])).toEqual([[pr.head.sha, 'success', 'kkp-gitops[bot]']]);
    expect(planComments(pr)[0]!.body).toContain('will run on merge');

    await pushToPullRequest(pr, () => writeFileSync(join(h.work, 'README.md'), 'KKP configuration\n'));
    expect(planComments(pr)[0]!.body).toContain('will be **skipped** on merge');
    await h.deliverAndWait(issueCommentDelivery(h.gh, pr, 'maria', '/kkp allow-deletions'));

    const deploymentsBefore = h.gh.store.deployments.length;
    const { before, after } = merge(pr);
    await h.deliverAndWait(pushDelivery(h.gh, h.repo, 'main', before));
    expect(clusterOnSeed('seed-eu', 'ci-runners-eu')).toBeUndefined();
    const deployments = h.gh.store.deployments.slice(deploymentsBefore);
    expect(deployments.map((d) => d.environment).sort()).toEqual(['kkp/master', 'kkp/seed-eu', 'kkp/seed-us']);
    for (const d of deployments) expect(d.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(deployments.find((d) => d.environment === 'kkp/seed-eu')!.statuses[1]!.description).toMatch(/[1-9]\d* deleted/);
    const result = h.gh.store.commentsOn(pr.repositoryId, pr.number).find((c) => c.body.includes(`<!-- kkp-gitops:apply-${after} -->`));
    expect(result!.body).toContain('Cluster/ci-runners-eu');
  });

  it('applies a merged change over a field someone took over by hand: the merged commit wins the conflict', async () => {
    const seed = h.sandbox.clusters.get('seed-eu')!.api;
    const type = seed.typeOf('kubermatic.k8c.io/v1', 'Cluster')!;
    seed.patch(type, undefined, 'shop-prod-eu', 'merge', { spec: { humanReadableName: 'Edited by hand' } }, { fieldManager: 'kubectl-edit' });
    const pr = openPullRequest('rename-prod', () => {
      const path = join(h.work, 'projects/webshop7k2/clusters/shop-prod-eu.yaml');
      writeFileSync(path, readFileSync(path, 'utf8').replace(/humanReadableName: .*/, 'humanReadableName: Shop production (renamed in Git)'));
    });
    const deploymentsBefore = h.gh.store.deployments.length;
    const { before } = merge(pr);
    await h.deliverAndWait(pushDelivery(h.gh, h.repo, 'main', before));
    const live = clusterOnSeed('seed-eu', 'shop-prod-eu') as { spec: { humanReadableName: string }; metadata: { managedFields: { manager: string; fieldsV1: object }[] } };
    expect(live.spec.humanReadableName).toBe('Shop production (renamed in Git)');
    const owners = live.metadata.managedFields.filter((m) => JSON.stringify(m.fieldsV1).includes('f:humanReadableName')).map((m) => m.manager);
    expect(owners).toEqual(['kkp-gitops']);
    for (const d of h.gh.store.deployments.slice(deploymentsBefore)) expect(d.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
  });

  it('rejects a delivery with a bad signature and changes nothing', async () => {
    const since = h.gh.requests.length;
    const writes = clusterWrites();
    const response = await h.deliver(pushDelivery(h.gh, h.repo, 'main', '0'.repeat(40)), 'not-the-secret');
    await h.app.idle();
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(h.gh.requests.slice(since)).toEqual([]);
    expect(clusterWrites()).toEqual(writes);
  });
});
