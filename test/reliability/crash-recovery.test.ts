import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stopAllBots, type BotProcess } from '../support/bot-process.js';
import { describeConvergence, type Convergence } from './cluster-convergence.js';
import { RECOVERY_ENV, startReliabilityHarness, waitFor, type ReliabilityHarness } from './reliability-harness.js';

const ZERO = '0'.repeat(40);
const FINAL = ['success', 'failure', 'error', 'inactive'];

describe('bot processes killed in the middle of an apply', () => {
  let h: ReliabilityHarness;

  beforeEach(async () => {
    h = await startReliabilityHarness();
  }, 60_000);

  afterEach(async () => {
    await h?.stop();
    await stopAllBots();
  });

  function expectConverged(c: Convergence): void {
    expect(c.missing, describeConvergence(c)).toEqual([]);
    expect(c.differing, describeConvergence(c)).toEqual([]);
    expect(c.extra, describeConvergence(c)).toEqual([]);
    expect(c.live).toBe(c.desired);
  }

  function outputs(): string {
    return h.bots.map((b) => b.output(4_000)).join('\n');
  }

  /** The bot whose process holds the repository's Lease (holder identities are `<host>-<pid>-<random>`). */
  function holder(bots: readonly BotProcess[]): BotProcess | undefined {
    const identity = h.lease()?.['spec'] as { holderIdentity?: string } | undefined;
    return bots.find((b) => b.pid !== undefined && identity?.holderIdentity?.includes(`-${b.pid}-`));
  }

  /** Every deployment of `sha` ends final, and each target has exactly one successful deployment. */
  function expectDeploymentsFinal(sha: string): void {
    const deployments = h.deploymentsOf(sha);
    for (const d of deployments) expect(FINAL, `${d.environment} #${d.id}: ${d.statuses.map((s) => s.state).join(' → ')}\n${outputs()}`).toContain(d.statuses.at(-1)?.state);
    for (const env of ['kkp/master', 'kkp/seed-eu', 'kkp/seed-us']) {
      const succeeded = deployments.filter((d) => d.environment === env && d.statuses.at(-1)?.state === 'success');
      expect(succeeded, `${env}: ${JSON.stringify(deployments.map((d) => [d.environment, d.statuses.map((s) => s.state)]))}`).toHaveLength(1);
    }
  }

  it('finishes a commit after its bot was killed during the apply and restarted, and closes the deployments it left in progress', async () => {
    const bot = h.bot({ extraEnv: RECOVERY_ENV });
    await bot.start();
    const sha = h.git('rev-parse', 'HEAD');
    // Slow seed-eu so that the kill lands while its Clusters are being applied.
    h.sandbox.clusters.get('seed-eu')!.faults.set({ latencyMs: 150 });
    await h.deliver(bot, h.push(ZERO, sha));
    await h.waitForRequest('seed-eu', { verb: 'patch' });
    await bot.kill();
    h.sandbox.clusters.get('seed-eu')!.faults.clear();

    const interrupted = await h.convergence(sha);
    expect(interrupted.missing.length, 'the kill came too late to interrupt anything').toBeGreaterThan(0);
    expect(h.record('applyingCommit')).toBe(sha);
    const leftOpen = h.deploymentsOf(sha).filter((d) => d.statuses.at(-1)?.state === 'in_progress');
    expect(leftOpen.length).toBeGreaterThan(0);

    await bot.start();
    await waitFor(() => h.record('appliedCommit') === sha && h.record('applyingCommit') === undefined, 25_000, () => `record: ${JSON.stringify(h.lease()?.metadata.annotations)}\n${outputs()}`);
    await h.waitForDeploy(sha);
    await h.waitForGitHubQuiet(1_000);

    expectConverged(await h.convergence(sha));
    expectDeploymentsFinal(sha);
    // The deployments the dead process left open got a final status that says what happened.
    for (const d of leftOpen) {
      const last = h.gh.store.deployments.find((x) => x.id === d.id)!.statuses.at(-1)!;
      expect(last.state).toBe('error');
      expect(last.description ?? '').toMatch(/interrupted/i);
    }
    expect(h.applyStatuses(sha).at(-1)).toBe('success');
  });

  it('lets a second bot take the lock over after the killed holder\'s lease expires, and finish the commit once', async () => {
    const first = h.bot({ extraEnv: RECOVERY_ENV });
    const second = h.bot({ extraEnv: RECOVERY_ENV });
    await Promise.all([first.start(), second.start()]);
    const sha = h.git('rev-parse', 'HEAD');
    h.sandbox.clusters.get('master')!.faults.set({ latencyMs: 80 });
    // Both replicas receive the same delivery.
    const push = h.push(ZERO, sha);
    const id = randomUUID();
    await Promise.all([h.deliver(first, push, id), h.deliver(second, push, id)]);
    await waitFor(() => h.record('applyingCommit') === sha, 15_000, () => `nobody started applying\n${outputs()}`);
    await h.waitForRequest('master', { verb: 'patch' });
    const dead = holder([first, second]);
    expect(dead, `no bot holds ${JSON.stringify(h.lease()?.['spec'])}`).toBeDefined();
    const survivor = dead === first ? second : first;
    await dead!.kill();
    h.sandbox.clusters.get('master')!.faults.clear();
    const deadIdentity = (h.lease()?.['spec'] as { holderIdentity?: string }).holderIdentity;

    await waitFor(() => h.record('appliedCommit') === sha && h.record('applyingCommit') === undefined, 25_000, () => `record: ${JSON.stringify(h.lease()?.metadata.annotations)}\n${outputs()}`);
    await h.waitForDeploy(sha);
    await h.waitForGitHubQuiet(1_000);

    expect(survivor.running).toBe(true);
    expect((h.lease()?.['spec'] as { holderIdentity?: string }).holderIdentity ?? '').not.toBe(deadIdentity);
    expect(Number((h.lease()?.['spec'] as { leaseTransitions?: number }).leaseTransitions ?? 0)).toBeGreaterThanOrEqual(1);
    expectConverged(await h.convergence(sha));
    expectDeploymentsFinal(sha);
    expect(h.applyStatuses(sha).at(-1)).toBe('success');
  });
});
