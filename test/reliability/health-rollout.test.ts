import { describe, expect, it } from 'vitest';
import { HEALTH_FAULT_ANNOTATION } from '../../src/sandbox/kkp-controllers/health-fault.js';
import type { BotProcess } from '../support/bot-process.js';
import { issueCommentDelivery } from '../support/github-server/webhook-payloads.js';
import type { PullRequestRecord } from '../support/github-server/store.js';
import { CLUSTER_FILE, RECOVERY_ENV, useReliabilityHarness, waitFor } from './reliability-harness.js';

const ZERO = '0'.repeat(40);
const LONG = 120_000;
/** The Cluster of CLUSTER_FILE, on seed-eu. */
const EU_CLUSTER = 'shop-staging-eu';

/** How long the sandbox's controllers keep a new or updated Cluster `Creating`/`Updating`. */
const DELAY_MS = 1_500;

describe('health-gated rollout by real bot processes against the sandbox with its KKP controllers', () => {
  const h = useReliabilityHarness({ kkpControllers: { delayMs: DELAY_MS } });
  /** The fault annotation on a Cluster of seed-eu, as an operator sets it with kubectl annotate; undefined removes it. */
  const fault = (name: string, value: string | undefined) => {
    const api = h.sandbox.clusters.get('seed-eu')!.api;
    api.patch(api.typeOf('kubermatic.k8c.io/v1', 'Cluster')!, undefined, name, 'merge', { metadata: { annotations: { [HEALTH_FAULT_ANNOTATION]: value ?? null } } }, { fieldManager: 'kubectl-annotate' });
  };
  const phaseOf = (name: string) => {
    const api = h.sandbox.clusters.get('seed-eu')!.api;
    return (api.find(api.typeOf('kubermatic.k8c.io/v1', 'Cluster')!, undefined, name)?.['status'] as { phase?: string } | undefined)?.phase;
  };

  const output = (bot: BotProcess) => bot.output(4_000);
  const states = (sha: string, target: string) => h.deploymentsOf(sha).filter((d) => d.environment === `kkp/${target}`).flatMap((d) => d.statuses);
  const last = (sha: string, target: string) => states(sha, target).at(-1);
  const writesSince = (target: string, since: number) => h.sandbox.clusters.get(target)!.requests.entries.slice(since).filter((r) => ['patch', 'create', 'update', 'delete'].includes(r.verb) && !r.dryRun);
  const comments = (pr: PullRequestRecord) => h.gh.store.commentsOn(h.repo.id, pr.number);

  async function startBot(): Promise<BotProcess> {
    const bot = h.bot({ extraEnv: { ...RECOVERY_ENV, KKP_GITOPS_HEALTH_WAIT: 'on' } });
    await bot.start();
    return bot;
  }

  function rollout(yaml: string): void {
    h.edit('kkp-gitops.yaml', /\n  policy:/, `\n  rollout:\n${yaml.replace(/^/gm, '    ')}\n  policy:`);
  }

  async function merge(bot: BotProcess, branch: string, change: () => void): Promise<{ pr: PullRequestRecord; after: string }> {
    const pr = h.openPullRequest(branch, change);
    const before = h.git('rev-parse', 'main');
    h.git('merge', '--quiet', '--no-ff', '-m', `Merge pull request #${pr.number}`, pr.head.ref);
    h.git('push', '--quiet', 'origin', 'main');
    const after = h.git('rev-parse', 'HEAD');
    h.gh.markMerged(pr, after);
    await h.deliver(bot, h.push(before, after));
    return { pr, after };
  }

  it('turns the deployments green only once KKP reports the clusters Running', async () => {
    const bot = await startBot();
    const c0 = h.git('rev-parse', 'HEAD');
    await h.deliver(bot, h.push(ZERO, c0));
    // seed-eu's Clusters are stored and still Creating (the controllers' delay): its deployment is not green yet.
    await waitFor(() => phaseOf(EU_CLUSTER) === 'Creating' && last(c0, 'seed-eu')?.state === 'in_progress', LONG, () => `seed-eu not applied\n${output(bot)}`);
    expect(h.applyStatuses(c0).at(-1)).toBe('pending');
    await h.waitForDeploy(c0, LONG);
    expect(phaseOf(EU_CLUSTER)).toBe('Running');
    for (const target of ['master', 'seed-eu', 'seed-us']) expect(last(c0, target)).toMatchObject({ state: 'success', description: expect.stringContaining('healthy') });
    expect(h.applyStatuses(c0).at(-1)).toBe('success');
    // The record is written last, after the comment and statuses.
    await waitFor(() => h.record('appliedCommit') === c0, LONG, () => `c0 not recorded as applied\n${output(bot)}`);
  }, 240_000);

  it('halts at an unhealthy seed wave, leaves the next wave untouched, retries it on /kkp resume, and rolls a fix out from the first wave', async () => {
    const bot = await startBot();
    const c0 = h.git('rev-parse', 'HEAD');
    await h.deliver(bot, h.push(ZERO, c0));
    await h.waitForDeploy(c0, LONG);

    fault(EU_CLUSTER, 'down=apiserver');
    const usBefore = h.sandbox.clusters.get('seed-us')!.requests.entries.length;
    const { pr, after: c1 } = await merge(bot, 'waves', () => {
      rollout('timeoutSeconds: 3\nwaves:\n  - [seed-eu]\n  - [seed-us]');
      h.changeEverywhere('v1');
    });
    await h.waitForDeploy(c1, LONG);
    expect(last(c1, 'master')?.state).toBe('success');
    expect(last(c1, 'seed-eu')).toMatchObject({ state: 'failure', description: expect.stringMatching(/^Not healthy after 3 s: Cluster\/shop-staging-eu apiserver HealthStatusDown/) });
    expect(last(c1, 'seed-us')).toMatchObject({ state: 'inactive', description: 'Not applied: the rollout stopped at wave 2 (seed-eu is not healthy); /kkp resume retries it' });
    expect(states(c1, 'seed-us').map((s) => s.state)).toEqual(['queued', 'inactive']);
    expect(writesSince('seed-us', usBefore)).toEqual([]);
    expect(h.applyStatuses(c1).at(-1)).toBe('failure');
    await waitFor(() => h.record('rolloutState') === 'halted', LONG, () => `no halted rollout on the record\n${output(bot)}`);
    expect([h.record('rolloutCommit'), h.record('rolloutWave')]).toEqual([c1, '2']);
    await waitFor(() => comments(pr).some((c) => c.body.includes('**The rollout stopped at wave 2**')), LONG, () => `no apply comment\n${output(bot)}`);

    // The cause is fixed outside Git: /kkp resume retries wave 2 (seed-eu) and goes on to seed-us.
    fault(EU_CLUSTER, undefined);
    h.gh.setPermission(h.repo, 'maria', 'write');
    await h.deliver(bot, issueCommentDelivery(h.gh, pr, 'maria', '/kkp resume'));
    await waitFor(() => last(c1, 'seed-us')?.state === 'success', LONG, () => `no resumed rollout: ${JSON.stringify(h.deploymentsOf(c1).map((d) => [d.environment, d.statuses.map((s) => s.state)]))} ${JSON.stringify(comments(pr).map((c) => c.body.slice(0, 200)))}\n${output(bot)}`);
    expect(last(c1, 'seed-eu')?.state).toBe('success');
    expect(writesSince('seed-us', usBefore).length).toBeGreaterThan(0);
    await waitFor(() => h.record('appliedCommit') === c1, LONG, () => `c1 not recorded as applied\n${output(bot)}`);
    expect(h.record('rolloutState')).toBeUndefined();

    // Halted again on the next commit; the fix after it rolls out from wave 1 (master first) to every seed.
    fault(EU_CLUSTER, 'down=etcd');
    const c2 = h.commitAndPush('v2', () => h.changeEverywhere('v2'));
    await h.deliver(bot, h.push(c1, c2.after));
    await h.waitForDeploy(c2.after, LONG);
    expect(last(c2.after, 'seed-us')?.state).toBe('inactive');
    fault(EU_CLUSTER, undefined);
    const c3 = h.commitAndPush('fix', () => h.edit(CLUSTER_FILE, /humanReadableName: .*/, 'humanReadableName: Shop staging fixed'));
    await h.deliver(bot, h.push(c2.after, c3.after));
    await h.waitForDeploy(c3.after, LONG);
    for (const target of ['master', 'seed-eu', 'seed-us']) expect(last(c3.after, target)?.state).toBe('success');
    await waitFor(() => h.record('appliedCommit') === c3.after, LONG, () => `c3 not recorded as applied\n${output(bot)}`);
  }, 300_000);

  it('resumes the wave a killed bot was waiting on after a restart', async () => {
    const first = await startBot();
    const c0 = h.git('rev-parse', 'HEAD');
    await h.deliver(first, h.push(ZERO, c0));
    await h.waitForDeploy(c0, LONG);

    fault(EU_CLUSTER, 'down=scheduler');
    const c1 = h.commitAndPush('waves', () => {
      rollout('timeoutSeconds: 600\nwaves:\n  - [seed-eu]\n  - [seed-us]');
      h.changeEverywhere('v1');
    });
    await h.deliver(first, h.push(c0, c1.after));
    await waitFor(() => last(c1.after, 'seed-eu')?.state === 'in_progress' && last(c1.after, 'seed-us')?.state === 'queued', LONG, () => `wave 2 not started\n${output(first)}`);
    await first.kill();

    fault(EU_CLUSTER, undefined);
    const second = await startBot();
    // Recovery on start finds the interrupted rollout and finishes it: seed-eu healthy now, then seed-us.
    await waitFor(() => h.record('appliedCommit') === c1.after, LONG, () => `not resumed: ${JSON.stringify(h.deploymentsOf(c1.after).map((d) => [d.environment, d.statuses.map((s) => s.state)]))}\n${output(second)}`);
    const euDeployments = h.deploymentsOf(c1.after).filter((d) => d.environment === 'kkp/seed-eu');
    expect(euDeployments.map((d) => d.statuses.at(-1)?.state)).toEqual(['error', 'success']);
    expect(last(c1.after, 'seed-us')?.state).toBe('success');
  }, 240_000);

  it('holds a wave outside its change window, and its deployment says until when', async () => {
    const bot = await startBot();
    // A one-hour window three days from today (UTC): closed now, whatever the day.
    const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][(new Date().getUTCDay() + 3) % 7];
    const c0 = h.git('rev-parse', 'HEAD');
    const c1 = h.commitAndPush('window', () => rollout(`waves:\n  - seeds: [seed-us]\n    windows:\n      - {days: [${day}], from: "10:00", to: "11:00", timezone: UTC}`));
    await h.deliver(bot, h.push(c0, c1.after));
    await waitFor(() => last(c1.after, 'seed-us')?.state === 'queued' && h.applyStatuses(c1.after).length > 1, LONG, () => `no waiting wave\n${output(bot)}`);
    expect(last(c1.after, 'seed-us')?.description).toMatch(/^Wave 2 waits for its change window until \d{4}-\d\d-\d\dT10:00:00\.000Z$/);
    expect(last(c1.after, 'seed-eu')?.state).toBe('queued');
    expect(last(c1.after, 'master')?.state).toBe('success');
    expect(h.applyStatuses(c1.after).at(-1)).toBe('pending');
    await waitFor(() => h.record('rolloutState') === 'waiting', LONG, () => `no waiting rollout on the record\n${output(bot)}`);
    expect([h.record('rolloutCommit'), h.record('rolloutWave')]).toEqual([c1.after, '2']);
    expect(h.record('rolloutUntil')).toBe(last(c1.after, 'seed-us')?.description.slice(-24));
  }, 240_000);
});
