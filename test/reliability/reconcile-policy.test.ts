/**
 * The cases of issue 11 on the real bot process (signed deliveries over HTTP, the local GitHub server, the sandbox):
 * the policy that governs is the last applied commit's, deletions run only when a person allowed exactly them for
 * the head they saw, rollback is a normal reconcile, and statuses never say more than what happened.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeExampleCluster } from '../support/example-work-tree.js';
import { ALLOWANCE_CONTEXT } from '../../src/github/deletion-allowance.js';
import { DRIFT_CHECK } from '../../src/github/drift/drift-check-run.js';
import type { BotProcess } from '../support/bot-process.js';
import { issueCommentDelivery, pullRequestDelivery } from '../support/github-server/webhook-payloads.js';
import type { PullRequestRecord } from '../support/github-server/store.js';
import { describeConvergence } from './cluster-convergence.js';
import { CLUSTER_FILE, RECOVERY_ENV, useReliabilityHarness, waitFor } from './reliability-harness.js';

const ZERO = '0'.repeat(40);
const LONG = 90_000;
const CI_RUNNERS_FILE = 'projects/platform5x/clusters/ci-runners-eu.yaml';

describe('one reconcile with one policy (issue 11)', () => {
  const h = useReliabilityHarness();

  const liveCluster = (seed: string, name: string) => {
    const api = h.sandbox.clusters.get(seed)!.api;
    return api.find(api.typeOf('kubermatic.k8c.io/v1', 'Cluster')!, undefined, name);
  };
  const liveUser = (name: string) => {
    const api = h.sandbox.clusters.get('master')!.api;
    return api.find(api.typeOf('kubermatic.k8c.io/v1', 'User')!, undefined, name);
  };
  const output = (bot: BotProcess) => bot.output(4_000);

  const removeCluster = (file: string): void => removeExampleCluster(h, file);

  function setPolicy(allowDeletions: boolean, selfHeal: boolean): void {
    h.edit('kkp-gitops.yaml', /allowDeletions: (true|false)/, `allowDeletions: ${allowDeletions}`);
    h.edit('kkp-gitops.yaml', /selfHeal: (true|false)/, `selfHeal: ${selfHeal}`);
  }

  /** Merges the pull request's branch into main with a merge commit, pushes main, delivers the push. */
  async function merge(bot: BotProcess, pr: PullRequestRecord, options: { invalid?: boolean } = {}): Promise<string> {
    const before = h.git('rev-parse', 'main');
    h.git('checkout', '--quiet', 'main');
    h.git('merge', '--quiet', '--no-ff', '-m', `Merge pull request #${pr.number}`, pr.head.ref);
    h.git('push', '--quiet', 'origin', 'main');
    const after = h.git('rev-parse', 'HEAD');
    h.gh.markMerged(pr, after);
    await h.deliver(bot, h.push(before, after));
    // An invalid commit gets a final status and no deployment; a valid one its deployments, then the comment.
    if (options.invalid) await waitFor(() => ['failure', 'error'].includes(h.applyStatuses(after).at(-1) ?? ''), LONG, () => `no outcome of ${after.slice(0, 7)}\n${output(bot)}`);
    else await h.waitForDeploy(after, LONG);
    await waitFor(() => comments(pr).some((c) => c.body.includes(`kkp-gitops:apply-${after}`)), LONG, () => `no apply comment on #${pr.number}\n${output(bot)}`);
    return after;
  }

  /** Starts a bot and applies the first commit of main. */
  async function started(env: Record<string, string> = {}): Promise<{ bot: BotProcess; c0: string }> {
    const bot = h.bot({ extraEnv: { ...RECOVERY_ENV, ...env } });
    await bot.start();
    const c0 = h.git('rev-parse', 'HEAD');
    await h.deliver(bot, h.push(ZERO, c0));
    await h.waitForDeploy(c0, LONG);
    return { bot, c0 };
  }

  async function planned(bot: BotProcess, pr: PullRequestRecord, action: 'opened' | 'synchronize' = 'opened'): Promise<void> {
    await h.deliver(bot, pullRequestDelivery(h.gh, pr, action));
    await waitFor(() => h.gh.store.checkRuns.some((r) => r.headSha === pr.head.sha && r.name === 'kkp-gitops' && r.status === 'completed'), LONG, () => `no plan of ${pr.head.sha.slice(0, 7)}\n${output(bot)}`);
  }

  const comments = (pr: PullRequestRecord) => h.gh.store.commentsOn(pr.repositoryId, pr.number);
  const lastStatus = (sha: string) => h.gh.store.statuses.filter((s) => s.sha === sha && s.context === 'kkp-gitops/apply').at(-1);

  it('1: a pull request that loosens the policy is judged by the old one on merge, and so is every drift pass over it', async () => {
    const { bot } = await started({ KKP_GITOPS_DRIFT_INTERVAL_SECONDS: '1' });
    const pr = h.openPullRequest('loosen', () => {
      setPolicy(true, true);
      removeCluster(CLUSTER_FILE);
    });
    await planned(bot, pr);
    expect(comments(pr).find((c) => c.body.includes('kkp-gitops:plan'))!.body).toContain('changes the policy');
    const merged = await merge(bot, pr);
    expect(liveCluster('seed-eu', 'shop-staging-eu'), output(bot)).toBeDefined();
    expect(lastStatus(merged)?.state).toBe('failure');
    // Drift passes over the merged commit (every second) obey the policy that governed its apply.
    await waitFor(() => h.gh.store.checkRuns.filter((r) => r.headSha === merged && r.name === DRIFT_CHECK).length > 0, LONG, () => `no drift check\n${output(bot)}`);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(liveCluster('seed-eu', 'shop-staging-eu'), output(bot)).toBeDefined();
  }, 240_000);

  it('2: a merge runs only the deletions the merged pull request’s allowance listed, and lists the others as skipped', async () => {
    const { bot } = await started();
    const pr1 = h.openPullRequest('drop-x', () => removeCluster(CLUSTER_FILE));
    const pr2 = h.openPullRequest('drop-y', () => removeCluster(CI_RUNNERS_FILE));
    await planned(bot, pr2);
    h.gh.setPermission(h.repo, 'maria', 'maintain');
    await h.deliver(bot, issueCommentDelivery(h.gh, pr2, 'maria', '/kkp allow-deletions'));
    await waitFor(() => h.gh.store.statuses.some((s) => s.sha === pr2.head.sha && s.context === ALLOWANCE_CONTEXT), LONG, () => `no allowance\n${output(bot)}`);
    await merge(bot, pr1);
    expect(liveCluster('seed-eu', 'shop-staging-eu')).toBeDefined();
    const m2 = await merge(bot, pr2);
    expect(liveCluster('seed-eu', 'ci-runners-eu'), output(bot)).toBeUndefined();
    expect(liveCluster('seed-eu', 'shop-staging-eu'), output(bot)).toBeDefined();
    const report = comments(pr2).find((c) => c.body.includes(`kkp-gitops:apply-${m2}`))!.body;
    expect(report).toContain('`delete seed-eu: Cluster/shop-staging-eu`');
    expect(lastStatus(m2)?.state).toBe('failure');
    expect(lastStatus(m2)?.description).toContain('1 skipped');
  }, 240_000);

  it('3: an allowance written before the head moved, delivered after (or again), is not recorded for the new head', async () => {
    const { bot } = await started();
    const pr = h.openPullRequest('drop-x', () => removeCluster(CLUSTER_FILE));
    await planned(bot, pr);
    h.gh.setPermission(h.repo, 'maria', 'maintain');
    // The maintainer writes the command; before the bot handles it, the author pushes a more destructive head.
    const allow = issueCommentDelivery(h.gh, pr, 'maria', '/kkp allow-deletions');
    await new Promise((r) => setTimeout(r, 20));
    h.git('checkout', '--quiet', 'drop-x');
    removeCluster(CI_RUNNERS_FILE);
    h.git('add', '-A');
    h.git('commit', '--quiet', '-m', 'drop more');
    h.git('push', '--quiet', 'origin', 'drop-x');
    h.git('checkout', '--quiet', 'main');
    const moved = h.gh.refreshPullRequest(pr);
    await planned(bot, moved, 'synchronize');
    await h.deliver(bot, allow);
    await h.deliver(bot, allow, `redelivered-${Date.now()}`);
    await waitFor(() => comments(pr).filter((c) => c.body.includes('not recorded')).length >= 2, LONG, () => `no refusal\n${output(bot)}`);
    expect(comments(pr).find((c) => c.body.includes('not recorded'))!.body).toContain(moved.head.sha.slice(0, 7));
    expect(h.gh.store.statuses.filter((s) => s.context === ALLOWANCE_CONTEXT)).toEqual([]);
    await merge(bot, moved);
    expect(liveCluster('seed-eu', 'shop-staging-eu')).toBeDefined();
    expect(liveCluster('seed-eu', 'ci-runners-eu')).toBeDefined();
  }, 240_000);

  it('4: force-pushing main back to an older commit applies that commit again', async () => {
    const { bot, c0 } = await started();
    const { before, after: c1 } = h.commitAndPush('rename everywhere', () => h.changeEverywhere('newer'));
    await h.deliver(bot, h.push(before, c1));
    await h.waitForDeploy(c1, LONG);
    const statusesOfC0 = h.applyStatuses(c0).length;
    h.git('reset', '--quiet', '--hard', c0);
    h.git('push', '--quiet', '--force', 'origin', 'main');
    await h.deliver(bot, h.push(c1, c0));
    await waitFor(() => h.applyStatuses(c0).length >= statusesOfC0 + 2 && h.record('appliedCommit') === c0, LONG, () => `c0 statuses [${h.applyStatuses(c0).join(', ')}], record ${h.record('appliedCommit')}\n${output(bot)}`);
    expect(h.applyStatuses(c0).at(-1)).toBe('success');
    const convergence = await h.convergence(c0);
    expect(convergence.differing, describeConvergence(convergence)).toEqual([]);
    expect(convergence.missing, describeConvergence(convergence)).toEqual([]);
  }, 240_000);

  it('5: recovery of a repository with nothing applied yet is governed by the defaults, not the head’s own policy', async () => {
    const bot = h.bot({ extraEnv: RECOVERY_ENV });
    await bot.start();
    const seedUs = h.sandbox.clusters.get('seed-us')!;
    await seedUs.faults.refuseConnections();
    const c0 = h.git('rev-parse', 'HEAD');
    await h.deliver(bot, h.push(ZERO, c0));
    await h.waitForDeploy(c0, LONG);
    expect(h.record('appliedCommit')).toBeUndefined();
    expect(liveCluster('seed-eu', 'shop-staging-eu')).toBeDefined();
    // A head that allows deletions for itself and removes a cluster; recovery finds it (no delivery).
    const { after } = h.commitAndPush('allow deletions and drop a cluster', () => {
      setPolicy(true, false);
      removeCluster(CLUSTER_FILE);
    });
    await waitFor(() => ['success', 'failure', 'error'].includes(h.applyStatuses(after).at(-1) ?? ''), LONG, () => `no outcome of ${after.slice(0, 7)}\n${output(bot)}`);
    expect(liveCluster('seed-eu', 'shop-staging-eu'), output(bot)).toBeDefined();
  }, 240_000);

  it('6: taking over a hand-made object is an adoption that needs an allowance, and is not done without one', async () => {
    const { bot } = await started();
    const api = h.sandbox.clusters.get('master')!.api;
    const user = { apiVersion: 'kubermatic.k8c.io/v1', kind: 'User', metadata: { name: 'frank' }, spec: { name: 'Frank by hand', email: 'frank@example.com', admin: false } };
    api.create(api.typeOf('kubermatic.k8c.io/v1', 'User')!, undefined, user, { fieldManager: 'kubectl' });
    const pr = h.openPullRequest('declare-frank', () => writeFileSync(join(h.work, 'users/frank.yaml'), 'apiVersion: kubermatic.k8c.io/v1\nkind: User\nmetadata:\n  name: frank\nspec:\n  name: Frank Git\n  email: frank@example.com\n  admin: false\n'));
    await planned(bot, pr);
    expect(comments(pr).find((c) => c.body.includes('kkp-gitops:plan'))!.body).toContain('`adopt master: User/frank`');
    const merged = await merge(bot, pr);
    expect(liveUser('frank')?.metadata.labels?.['app.kubernetes.io/managed-by'], output(bot)).toBeUndefined();
    expect(lastStatus(merged)?.state).toBe('failure');
  }, 240_000);

  it('7: a misspelt API group is a validation error, and nothing is deleted', async () => {
    const { bot } = await started();
    const pr = h.openPullRequest('typo', () => h.edit(CLUSTER_FILE, /apiVersion: kubermatic\.k8c\.io\/v1/, 'apiVersion: kubermatik.k8c.io/v1'));
    await planned(bot, pr);
    const run = h.gh.store.checkRuns.find((r) => r.headSha === pr.head.sha && r.name === 'kkp-gitops')!;
    expect(run.conclusion).toBe('failure');
    expect(comments(pr).find((c) => c.body.includes('kkp-gitops:plan'))!.body).toContain('Did you mean');
    const merged = await merge(bot, pr, { invalid: true });
    expect(lastStatus(merged)?.state).toBe('failure');
    expect(h.deploymentsOf(merged)).toEqual([]);
    expect(liveCluster('seed-eu', 'shop-staging-eu')).toBeDefined();
  }, 240_000);

  it('7: the mass-deletion share set in kkp-gitops.yaml governs the commits after it, never the commit that raises it', async () => {
    const { bot } = await started();
    const master = h.sandbox.clusters.get('master')!.api;
    const bindings = () => master.list(master.typeOf('kubermatic.k8c.io/v1', 'UserProjectBinding')!, undefined).entries.length;
    expect(bindings()).toBe(6);
    // Four of six bindings (more than half, less than 0.8) go in the commit that raises the share: the old share governs.
    const raise = h.commitAndPush('raise the share, drop four bindings', () => {
      h.edit('kkp-gitops.yaml', /selfHeal: (true|false)/, 'selfHeal: $1\n    massDeletion: {maxShare: 0.8}');
      for (const file of ['webshop7k2/bindings/bob.yaml', 'platform5x/bindings/erin.yaml', 'datalake3q/bindings/carol.yaml', 'datalake3q/bindings/dave.yaml']) rmSync(join(h.work, 'projects', file));
    });
    await h.deliver(bot, h.push(raise.before, raise.after));
    await h.waitForDeploy(raise.after, LONG);
    expect(bindings(), output(bot)).toBe(6);
    expect(lastStatus(raise.after)?.description).toContain('4 skipped (deletions not allowed: master: UserProjectBinding/');
    // The next commit is governed by the applied one's share (0.8): the same four deletions run without an allowance.
    const next = h.commitAndPush('rename a cluster', () => h.edit(CLUSTER_FILE, /humanReadableName: .*/, 'humanReadableName: Shop staging renamed'));
    await h.deliver(bot, h.push(next.before, next.after));
    await h.waitForDeploy(next.after, LONG);
    expect(bindings(), output(bot)).toBe(2);
    expect(lastStatus(next.after)?.state).toBe('success');
  }, 240_000);

  it('8: the check run completes when the plan comment cannot be written, saying why', async () => {
    const { bot } = await started();
    const pr = h.openPullRequest('rename', () => h.edit(CLUSTER_FILE, /humanReadableName: .*/, 'humanReadableName: Renamed'));
    h.gh.injectFault({ method: 'POST', path: new RegExp(`^/repos/${h.repo.fullName}/issues/\\d+/comments$`), kind: 'bad-gateway', times: 1_000 });
    await planned(bot, pr);
    const run = h.gh.store.checkRuns.find((r) => r.headSha === pr.head.sha && r.name === 'kkp-gitops')!;
    expect(run.conclusion).toBe('failure');
    expect(run.output.summary).toContain('could not be written');
  }, 240_000);

  it('8: a 502 on the apply comment makes recovery finish the comment without new deployments or statuses', async () => {
    const { bot } = await started();
    const pr = h.openPullRequest('rename', () => h.edit(CLUSTER_FILE, /humanReadableName: .*/, 'humanReadableName: Renamed again'));
    await planned(bot, pr);
    // The next comment writes fail past the retries: the merge's apply comment is lost the first time.
    h.gh.injectFault({ method: 'POST', path: new RegExp(`^/repos/${h.repo.fullName}/issues/\\d+/comments$`), kind: 'bad-gateway', times: 8 });
    const merged = await merge(bot, pr);
    await waitFor(() => h.record('appliedCommit') === merged, LONG, () => `not recorded as applied\n${output(bot)}`);
    // Recovery (every 2 s) has nothing left to do once the record names the commit.
    await h.waitForGitHubQuiet(1_000);
    expect(h.deploymentsOf(merged).map((d) => d.environment)).toEqual(['kkp/master', 'kkp/seed-eu', 'kkp/seed-us']);
    expect(h.applyStatuses(merged)).toEqual(['pending', 'success']);
  }, 240_000);

  it('8: a lock that cannot be taken (the Lease API failing) is on the commit status at once, and recovery applies the commit later', async () => {
    const { bot } = await started();
    const master = h.sandbox.clusters.get('master')!;
    const { before, after } = h.commitAndPush('rename everywhere', () => h.changeEverywhere('through a lease outage'));
    master.faults.set({ failureRate: 1, failureStatus: 500, verbs: ['create', 'update'] });
    await h.deliver(bot, h.push(before, after));
    await waitFor(() => h.applyStatuses(after).includes('error'), LONG, () => `no error status on ${after.slice(0, 7)}: [${h.applyStatuses(after).join(', ')}]\n${output(bot)}`);
    expect(h.gh.store.statuses.find((s) => s.sha === after && s.state === 'error')!.description).toContain('recovery will apply');
    master.faults.clear();
    await waitFor(() => h.record('appliedCommit') === after, LONG, () => `not applied after the outage\n${output(bot)}`);
    expect(h.applyStatuses(after).at(-1)).toBe('success');
  }, 240_000);

  it('8: a record that cannot be written once the lock is taken (the Lease API failing) is on the commit status at once, and recovery applies the commit later', async () => {
    const bot = h.bot({ extraEnv: RECOVERY_ENV });
    await bot.start();
    const c0 = h.git('rev-parse', 'HEAD');
    // The first reconcile creates the Lease (the lock); writing the record on it is an update, and every update fails.
    const master = h.sandbox.clusters.get('master')!;
    master.faults.set({ failureRate: 1, failureStatus: 500, verbs: ['update'] });
    await h.deliver(bot, h.push(ZERO, c0));
    await waitFor(() => h.applyStatuses(c0).includes('error'), LONG, () => `no error status on ${c0.slice(0, 7)}: [${h.applyStatuses(c0).join(', ')}]\n${output(bot)}`);
    expect(h.gh.store.statuses.find((s) => s.sha === c0 && s.state === 'error')!.description).toContain('recovery will apply');
    // Nothing was written to a cluster before the record said so.
    expect(h.deploymentsOf(c0)).toEqual([]);
    master.faults.clear();
    await waitFor(() => h.record('appliedCommit') === c0, LONG, () => `not applied after the outage\n${output(bot)}`);
    expect(h.applyStatuses(c0).at(-1)).toBe('success');
  }, 240_000);
});
