/**
 * The fault scenarios of issue 6, each run against a fresh `ReliabilityHarness` with real bot processes, and
 * judged the same way by the tests (`test/reliability/*.test.ts`) and the benchmark (`bench/reliability-bench.ts`):
 * a report with the problems found (none: the fault was survived) and, always, the final comparison of desired
 * objects with live objects. Problems name what was expected and what happened, with the bots' output when it helps.
 */
import { randomUUID } from 'node:crypto';
import { APPLY_STATUS_CONTEXT } from '../../src/github/deploy-push.js';
import type { BotProcess } from '../support/bot-process.js';
import { pullRequestDelivery } from '../support/github-server/webhook-payloads.js';
import { compareWithSandbox, converged, describeConvergence, desiredAt, type Convergence } from './cluster-convergence.js';
import { RECOVERY_ENV, waitFor, type ReliabilityHarness } from './reliability-harness.js';

const ZERO = '0'.repeat(40);
const TARGETS = ['kkp/master', 'kkp/seed-eu', 'kkp/seed-us'];
const FINAL = ['success', 'failure', 'error', 'inactive'];

export interface ScenarioReport {
  /** What was done, as a sentence. */
  readonly name: string;
  /** Empty when the fault was survived. */
  readonly problems: readonly string[];
  /** Desired objects of the commit that should be live at the end versus the live ones. */
  readonly convergence: Convergence;
  /** What happened along the way (deployment states at each step, retries seen). */
  readonly notes: readonly string[];
}

export interface FaultScenario {
  readonly name: string;
  run(h: ReliabilityHarness): Promise<ScenarioReport>;
}

/** Collects problems; `check(false, ...)` records one. */
class Findings {
  readonly problems: string[] = [];
  readonly notes: string[] = [];
  constructor(private readonly h: ReliabilityHarness) {}
  check(ok: boolean, problem: string): void {
    if (!ok) this.problems.push(problem);
  }
  /** Runs a step; a thrown error (a timeout) becomes a problem, and the scenario goes on to its final comparison. */
  async step(what: string, action: () => Promise<void>): Promise<boolean> {
    try {
      await action();
      return true;
    } catch (error) {
      this.problems.push(`${what}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n${this.output()}`);
      return false;
    }
  }
  output(): string {
    return this.h.bots.map((b) => b.output(3_000)).join('\n');
  }
  async report(name: string, sha: string): Promise<ScenarioReport> {
    const convergence = compareWithSandbox(await desiredAt(this.h.work, sha, this.h.repo.fullName), this.h.sandbox);
    this.check(converged(convergence), `the clusters do not hold ${sha.slice(0, 7)}: ${describeConvergence(convergence)}`);
    return { name, problems: this.problems, convergence, notes: this.notes };
  }
}

function states(h: ReliabilityHarness, sha: string): string {
  return h
    .deploymentsOf(sha)
    .map((d) => `${d.environment}#${d.id} ${d.statuses.map((s) => s.state).join('→')}`)
    .join(', ');
}

function lastState(h: ReliabilityHarness, sha: string, environment: string): string | undefined {
  return h.deploymentsOf(sha).filter((d) => d.environment === environment).at(-1)?.statuses.at(-1)?.state;
}

/**
 * Every deployment of `sha` is final and each target's newest deployment succeeded. (A reconcile finished after a
 * crash re-applies every target, so a target the dead process had finished gets a second successful deployment.)
 */
function checkDeploymentsFinal(f: Findings, h: ReliabilityHarness, sha: string): void {
  const deployments = h.deploymentsOf(sha);
  for (const d of deployments) f.check(FINAL.includes(d.statuses.at(-1)?.state ?? ''), `deployment ${d.environment}#${d.id} of ${sha.slice(0, 7)} left ${d.statuses.at(-1)?.state ?? 'without a status'}`);
  for (const env of TARGETS) {
    const newest = deployments.filter((d) => d.environment === env).at(-1);
    f.check(newest?.statuses.at(-1)?.state === 'success', `${env}: the newest deployment of ${sha.slice(0, 7)} did not succeed: ${states(h, sha)}`);
  }
}

/** Writes (create, update, patch, delete) every sandbox cluster answered, Leases and dry-runs left out. */
function clusterWrites(h: ReliabilityHarness): number {
  const verbs = ['create', 'update', 'patch', 'delete'];
  return [...h.sandbox.clusters.values()].reduce((n, c) => n + c.requests.entries.filter((r) => verbs.includes(r.verb) && !r.dryRun && !r.resource.startsWith('leases')).length, 0);
}

async function startBot(h: ReliabilityHarness, env: Readonly<Record<string, string>> = RECOVERY_ENV): Promise<BotProcess> {
  const bot = h.bot({ extraEnv: env });
  await bot.start();
  return bot;
}

/** The holder identity on the repository's Lease (`<host>-<pid>-<random>`), if any. */
function leaseHolder(h: ReliabilityHarness): string | undefined {
  return (h.lease()?.['spec'] as { holderIdentity?: string } | undefined)?.holderIdentity;
}

export const seedOutage: FaultScenario = {
  name: 'a seed refuses connections mid-apply',
  async run(h) {
    const f = new Findings(h);
    const bot = await startBot(h);
    const sha = h.git('rev-parse', 'HEAD');
    const master = h.sandbox.clusters.get('master')!;
    const seedUs = h.sandbox.clusters.get('seed-us')!;
    master.faults.set({ latencyMs: 60 });
    await h.deliver(bot, h.push(ZERO, sha));
    await f.step('waiting for the first write on the master', () => h.waitForRequest('master', { verb: 'patch', dryRun: false }));
    await seedUs.faults.refuseConnections();
    master.faults.clear();
    await f.step('waiting for the apply to end while seed-us is down', () => h.waitForDeploy(sha));
    const down = { master: lastState(h, sha, 'kkp/master'), eu: lastState(h, sha, 'kkp/seed-eu'), us: lastState(h, sha, 'kkp/seed-us') };
    f.notes.push(`while seed-us was down: master ${down.master}, seed-eu ${down.eu}, seed-us ${down.us}, commit ${h.applyStatuses(sha).at(-1)}`);
    f.check(down.master === 'success' && down.eu === 'success', `the targets that were up did not succeed: ${states(h, sha)}`);
    f.check(down.us === 'failure' || down.us === 'error', `seed-us was down but its deployment says ${down.us}`);
    f.check(['failure', 'error'].includes(h.applyStatuses(sha).at(-1) ?? ''), `the commit status says ${h.applyStatuses(sha).at(-1)} while seed-us failed`);
    const partial = compareWithSandbox(await desiredAt(h.work, sha, h.repo.fullName), h.sandbox);
    f.check(partial.missing.length > 0 && partial.missing.every((id) => id.startsWith('seed-us: ')), `while seed-us was down, missing should be seed-us' objects only: ${describeConvergence(partial)}`);

    await seedUs.faults.acceptConnections();
    await f.step('waiting for seed-us to be retried once it is back', () => waitFor(() => lastState(h, sha, 'kkp/seed-us') === 'success', 90_000, () => states(h, sha)));
    f.notes.push(`after seed-us came back: ${states(h, sha)}`);
    for (const d of h.deploymentsOf(sha)) f.check(FINAL.includes(d.statuses.at(-1)?.state ?? ''), `deployment ${d.environment}#${d.id} left ${d.statuses.at(-1)?.state}`);
    return f.report(this.name, sha);
  },
};

export const apiErrors: FaultScenario = {
  name: '30% of Kubernetes API requests fail with 503',
  async run(h) {
    const f = new Findings(h);
    const bot = await startBot(h);
    for (const cluster of h.sandbox.clusters.values()) cluster.faults.set({ failureRate: 0.3, failureStatus: 503 });
    const first = h.git('rev-parse', 'HEAD');
    await h.deliver(bot, h.push(ZERO, first));
    await f.step('waiting for the first apply', () => h.waitForDeploy(first));
    const { before, after } = h.commitAndPush('rename everywhere', () => h.changeEverywhere('under 503s'));
    await h.deliver(bot, h.push(before, after));
    await f.step('waiting for the second apply', () => h.waitForDeploy(after));
    const injected = [...h.sandbox.clusters.values()].reduce((n, c) => n + c.requests.entries.filter((r) => r.injected).length, 0);
    for (const cluster of h.sandbox.clusters.values()) cluster.faults.clear();
    f.notes.push(`${injected} requests answered 503`);
    f.check(injected > 10, `only ${injected} requests failed: the fault was not exercised`);
    for (const sha of [first, after]) f.check(h.applyStatuses(sha).join(',') === 'pending,success', `commit status of ${sha.slice(0, 7)}: ${h.applyStatuses(sha).join(' → ')}`);
    checkDeploymentsFinal(f, h, after);
    return f.report(this.name, after);
  },
};

export const githubFaults: FaultScenario = {
  name: 'GitHub answers 502 and secondary rate limits',
  async run(h) {
    const f = new Findings(h);
    // Recovery on start only: what arrives must arrive through retries, not through a later recovery pass.
    const bot = await startBot(h, { ...RECOVERY_ENV, KKP_GITOPS_RECOVERY_INTERVAL_SECONDS: '0' });
    const repoPath = `^/repos/${h.repo.fullName}`;
    const pr = h.openPullRequest('rename-staging', () => h.edit('projects/webshop7k2/clusters/shop-staging-eu.yaml', /humanReadableName: .*/, 'humanReadableName: Shop staging through faults'));
    h.gh.injectFault({ method: 'POST', path: new RegExp(`${repoPath}/check-runs$`), kind: 'bad-gateway' });
    h.gh.injectFault({ method: 'POST', path: new RegExp(`${repoPath}/issues/\\d+/comments$`), kind: 'secondary-rate-limit', retryAfterSeconds: 1 });
    h.gh.injectFault({ method: 'PATCH', path: new RegExp(`${repoPath}/check-runs/\\d+$`), kind: 'bad-gateway' });
    h.gh.injectFault({ method: 'POST', path: new RegExp(`${repoPath}/deployments$`), kind: 'bad-gateway' });
    h.gh.injectFault({ method: 'POST', path: new RegExp(`${repoPath}/deployments/\\d+/statuses$`), kind: 'secondary-rate-limit', retryAfterSeconds: 1 });
    h.gh.injectFault({ method: 'POST', path: new RegExp(`${repoPath}/statuses/[0-9a-f]+$`), kind: 'bad-gateway' });
    await h.deliver(bot, pullRequestDelivery(h.gh, pr, 'opened'));
    const sha = h.git('rev-parse', 'HEAD');
    await h.deliver(bot, h.push(ZERO, sha));
    await f.step('waiting for the plan', () =>
      waitFor(() => h.gh.store.checkRuns.some((r) => r.headSha === pr.head.sha && r.status === 'completed') && h.gh.store.commentsOn(pr.repositoryId, pr.number).length > 0, 90_000, () => 'no completed check run and comment'),
    );
    await f.step('waiting for the apply', () => h.waitForDeploy(sha, 90_000));
    await f.step('waiting for the bot to stop calling GitHub', () => h.waitForGitHubQuiet(1_000));
    // A request that failed by a fault and was never made again with success: a transient error not retried.
    const failed = h.gh.requests.filter((r) => r.route !== 'git' && (r.status === 502 || r.status === 403));
    const retried = (r: (typeof failed)[number]) => h.gh.requests.some((later) => later !== r && later.time >= r.time && later.method === r.method && later.path === r.path && later.status < 300);
    for (const r of failed.filter((r) => !retried(r))) f.check(false, `${r.method} ${r.path} answered ${r.status} was never tried again`);
    const faulted = h.gh.requests.filter((r) => r.route !== 'git' && (r.status === 502 || r.status === 403)).length;
    f.notes.push(`${faulted} GitHub requests answered 502 or 403 (secondary rate limit)`);
    f.check(faulted === 6, `${faulted} faults met (want the 6 injected)`);
    const runs = h.gh.store.checkRuns.filter((r) => r.headSha === pr.head.sha);
    f.check(runs.length === 1 && runs[0]!.status === 'completed' && runs[0]!.conclusion === 'success', `check runs of the pull request head: ${JSON.stringify(runs.map((r) => [r.status, r.conclusion]))} (want one, completed, success)`);
    const comments = h.gh.store.commentsOn(pr.repositoryId, pr.number).filter((c) => c.body.includes('<!-- kkp-gitops:plan'));
    f.check(comments.length === 1 && comments[0]!.body.includes(pr.head.sha), `plan comments: ${comments.length} (want one naming ${pr.head.sha.slice(0, 7)})`);
    const deployments = h.deploymentsOf(sha);
    f.check(deployments.map((d) => d.environment).join(',') === TARGETS.join(','), `deployments: ${states(h, sha)} (want one per target)`);
    for (const d of deployments) f.check(d.statuses.map((s) => s.state).join(',') === 'in_progress,success', `${d.environment}: ${d.statuses.map((s) => s.state).join(' → ')}`);
    f.check(h.applyStatuses(sha).join(',') === 'pending,success', `commit status: ${h.applyStatuses(sha).join(' → ')}`);
    return f.report(this.name, sha);
  },
};

export const redelivery: FaultScenario = {
  name: 'the same push delivered three times',
  async run(h) {
    const f = new Findings(h);
    const bot = await startBot(h);
    const sha = h.git('rev-parse', 'HEAD');
    const push = h.push(ZERO, sha);
    const id = randomUUID();
    await Promise.all([h.deliver(bot, push, id), h.deliver(bot, push, id)]);
    await f.step('waiting for the apply', () => h.waitForDeploy(sha));
    const writes = clusterWrites(h);
    await h.deliver(bot, push, id);
    await h.deliver(bot, push, randomUUID());
    await f.step('waiting for the bot to stop calling GitHub', () => h.waitForGitHubQuiet(1_500));
    f.check(clusterWrites(h) === writes, `${clusterWrites(h) - writes} cluster writes after the first apply (want none)`);
    f.check(h.deploymentsOf(sha).length === 3, `${h.deploymentsOf(sha).length} deployments (want 3, one per target): ${states(h, sha)}`);
    checkDeploymentsFinal(f, h, sha);
    f.check(h.applyStatuses(sha).join(',') === 'pending,success', `commit status: ${h.applyStatuses(sha).join(' → ')}`);
    f.check(h.record('appliedCommit') === sha, `applied-commit record: ${h.record('appliedCommit')} (want ${sha.slice(0, 7)})`);
    return f.report(this.name, sha);
  },
};

export const sharedDelivery: FaultScenario = {
  name: 'two bots receiving the same pushes',
  async run(h) {
    const f = new Findings(h);
    const bots = await Promise.all([startBot(h), startBot(h)]);
    const c0 = h.git('rev-parse', 'HEAD');
    const { after: c1 } = h.commitAndPush('rename everywhere', () => h.changeEverywhere('shared'));
    // Both replicas get both pushes, with GitHub's delivery ids, at the same moment.
    for (const [before, after] of [[ZERO, c0], [c0, c1]] as const) {
      const push = h.push(before, after);
      const id = randomUUID();
      await Promise.all(bots.map((b) => h.deliver(b, push, id)));
    }
    await f.step('waiting for the newer commit', () => h.waitForDeploy(c1));
    await f.step('waiting for the bots to stop calling GitHub', () => h.waitForGitHubQuiet(1_500));
    f.notes.push(`first commit: ${h.deploymentsOf(c0).length} deployments; second: ${h.deploymentsOf(c1).length}`);
    for (const sha of [c0, c1]) {
      f.check(h.deploymentsOf(sha).length <= TARGETS.length, `${sha.slice(0, 7)} was deployed more than once: ${states(h, sha)}`);
      const statuses = h.gh.store.statuses.filter((s) => s.sha === sha && s.context === APPLY_STATUS_CONTEXT);
      const final = statuses.filter((s) => s.state !== 'pending');
      f.check(final.length <= 1, `${sha === c0 ? 'the older' : 'the newer'} commit ${sha.slice(0, 7)} got ${final.length} final apply statuses: ${statuses.map((s) => `${s.state} "${s.description}"`).join(' → ')}`);
    }
    f.check(h.deploymentsOf(c1).length === TARGETS.length, `the newest commit has ${h.deploymentsOf(c1).length} deployments (want ${TARGETS.length})`);
    checkDeploymentsFinal(f, h, c1);
    f.check(h.record('appliedCommit') === c1, `applied-commit record: ${h.record('appliedCommit')} (want ${c1.slice(0, 7)})`);
    return f.report(this.name, c1);
  },
};

export const reversedPushes: FaultScenario = {
  name: 'pushes delivered out of order',
  async run(h) {
    const f = new Findings(h);
    const bot = await startBot(h);
    const c0 = h.git('rev-parse', 'HEAD');
    await h.deliver(bot, h.push(ZERO, c0));
    await f.step('waiting for the first apply', () => h.waitForDeploy(c0));
    const { after: c1 } = h.commitAndPush('first rename', () => h.changeEverywhere('first'));
    const { after: c2 } = h.commitAndPush('second rename', () => h.changeEverywhere('second'));
    await h.deliver(bot, h.push(c1, c2));
    await h.deliver(bot, h.push(c0, c1));
    await f.step('waiting for the newer commit', () => h.waitForDeploy(c2));
    await f.step('waiting for an outcome of the older commit', () => waitFor(() => h.applyStatuses(c1).length > 0, 90_000, () => 'no commit status'));
    await f.step('waiting for the bot to stop calling GitHub', () => h.waitForGitHubQuiet(1_500));
    f.notes.push(`older commit: ${h.applyStatuses(c1).join(' → ')}, ${h.deploymentsOf(c1).length} deployments`);
    f.check(h.deploymentsOf(c1).length === 0, `the older commit ${c1.slice(0, 7)} was deployed after the newer one: ${states(h, c1)}`);
    checkDeploymentsFinal(f, h, c2);
    f.check(h.record('appliedCommit') === c2, `applied-commit record: ${h.record('appliedCommit')} (want ${c2.slice(0, 7)})`);
    return f.report(this.name, c2);
  },
};

export const lockTakeover: FaultScenario = {
  name: 'two bots, the lock holder killed',
  async run(h) {
    const f = new Findings(h);
    const bots = await Promise.all([startBot(h), startBot(h)]);
    const sha = h.git('rev-parse', 'HEAD');
    h.sandbox.clusters.get('master')!.faults.set({ latencyMs: 80 });
    const push = h.push(ZERO, sha);
    const id = randomUUID();
    await Promise.all(bots.map((b) => h.deliver(b, push, id)));
    await f.step('waiting for a bot to start applying', () => waitFor(() => h.record('applyingCommit') === sha, 90_000, () => 'no applying-commit record'));
    await f.step('waiting for the first write on the master', () => h.waitForRequest('master', { verb: 'patch', dryRun: false }));
    const holderIdentity = leaseHolder(h);
    const dead = bots.find((b) => b.pid !== undefined && holderIdentity?.includes(`-${b.pid}-`));
    f.check(dead !== undefined, `no bot holds the lease (${holderIdentity})`);
    await dead?.kill();
    h.sandbox.clusters.get('master')!.faults.clear();
    f.notes.push(`killed ${dead?.name} holding the lock`);
    await f.step('waiting for the other bot to finish', () => waitFor(() => h.record('appliedCommit') === sha && h.record('applyingCommit') === undefined, 90_000, () => JSON.stringify(h.lease()?.metadata.annotations)));
    await f.step('waiting for the deployments', () => h.waitForDeploy(sha));
    await f.step('waiting for the bots to stop calling GitHub', () => h.waitForGitHubQuiet(1_000));
    f.check(leaseHolder(h) !== holderIdentity, `the dead bot still holds the lease`);
    f.notes.push(`deployments: ${states(h, sha)}`);
    checkDeploymentsFinal(f, h, sha);
    f.check(h.applyStatuses(sha).at(-1) === 'success', `commit status: ${h.applyStatuses(sha).join(' → ')}`);
    return f.report(this.name, sha);
  },
};

export const killAndRestart: FaultScenario = {
  name: 'a bot killed during an apply and restarted',
  async run(h) {
    const f = new Findings(h);
    const bot = await startBot(h);
    const sha = h.git('rev-parse', 'HEAD');
    // Slow the master: the kill lands after its first write, with most of the apply still to do.
    h.sandbox.clusters.get('master')!.faults.set({ latencyMs: 80 });
    await h.deliver(bot, h.push(ZERO, sha));
    await f.step('waiting for the first write on the master', () => h.waitForRequest('master', { verb: 'patch', dryRun: false }));
    await bot.kill();
    h.sandbox.clusters.get('master')!.faults.clear();
    const interrupted = compareWithSandbox(await desiredAt(h.work, sha, h.repo.fullName), h.sandbox);
    const leftOpen = h.deploymentsOf(sha).filter((d) => d.statuses.at(-1)?.state === 'in_progress').map((d) => d.id);
    f.notes.push(`killed mid-apply: ${describeConvergence(interrupted)}; ${leftOpen.length} deployments in progress`);
    f.check(interrupted.missing.length > 0, 'the kill came too late: nothing was left to do');
    await bot.start();
    await f.step('waiting for the restarted bot to finish', () => waitFor(() => h.record('appliedCommit') === sha && h.record('applyingCommit') === undefined, 90_000, () => JSON.stringify(h.lease()?.metadata.annotations)));
    await f.step('waiting for the deployments', () => h.waitForDeploy(sha));
    await f.step('waiting for the bot to stop calling GitHub', () => h.waitForGitHubQuiet(1_000));
    for (const id of leftOpen) {
      const last = h.gh.store.deployments.find((d) => d.id === id)?.statuses.at(-1);
      f.check(last?.state === 'error' && /interrupted/i.test(last.description ?? ''), `deployment #${id} left in progress by the dead bot ends ${last?.state} "${last?.description}" (want error, interrupted)`);
    }
    f.notes.push(`deployments: ${states(h, sha)}`);
    checkDeploymentsFinal(f, h, sha);
    f.check(h.applyStatuses(sha).at(-1) === 'success', `commit status: ${h.applyStatuses(sha).join(' → ')}`);
    return f.report(this.name, sha);
  },
};

/** In the order of issue 6's list. */
export const FAULT_SCENARIOS: readonly FaultScenario[] = [seedOutage, apiErrors, githubFaults, redelivery, reversedPushes, lockTakeover, killAndRestart];
