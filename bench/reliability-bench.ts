/**
 * Reliability benchmark (issue 6's closing figures), with real bot processes (`node bin/kkp-gitops.js serve`)
 * against the local GitHub API server and the sandbox:
 * - load held: pull-request events per minute processed without a lost or duplicated plan comment or check run, on
 *   one process and on two (deliveries spread over both as behind a load balancer: pull request i's `opened` goes to
 *   process i mod 2, its `synchronize` to the other one, so each process gets half of each wave and the two events of
 *   one pull request land on different processes); peer: the same deliveries answered by a no-op Probot app; and two
 *   processes against one (target ≥ 1.6×: plans take a per-pull-request claim, not the repository lock);
 * - peak memory of a server whose live-state cache holds 20,000 Clusters (target < 400 MB), next to the same
 *   server idle before its first plan;
 * - faults survived: each fault scenario of `test/reliability/fault-scenarios.ts` once, with its result;
 * - nothing lost: for each scenario, desired objects versus live objects at the end.
 * Octokit's write spacing (github.com's abuse limits) is taken out of the bots, as in the tests: the local server
 * has no such limits, and with it the figure would measure the spacing (1 s per write), not the bot.
 * `KKP_BENCH_RELIABILITY_PRS` sets the number of pull requests (default 20: 40 events per run),
 * `KKP_BENCH_CACHED_CLUSTERS` the Clusters of the memory figure (default 20,000), `KKP_BENCH_RELIABILITY_PARTS` which
 * parts run (default `load,memory,faults`).
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { Probot, Server } from 'probot';
import { ensureBuilt, stopAllBots, type BotProcess } from '../test/support/bot-process.js';
import { deliverWebhook } from '../test/support/github-server/deliver-webhook.js';
import type { PullRequestRecord } from '../test/support/github-server/store.js';
import { pullRequestDelivery, type Delivery } from '../test/support/github-server/webhook-payloads.js';
import { readFileSync } from 'node:fs';
import { MANAGED_BY_LABEL, REPOSITORY_LABEL } from '../src/core/render/managed-labels.js';
import { describeConvergence, desiredAt } from '../test/reliability/cluster-convergence.js';
import { FAULT_SCENARIOS } from '../test/reliability/fault-scenarios.js';
import { startReliabilityHarness, waitFor, type ReliabilityHarness } from '../test/reliability/reliability-harness.js';
import { printFigure, printRatio, timed } from './report.js';
import { freePort } from '../test/support/free-port.js';

const PRS = Number(process.env['KKP_BENCH_RELIABILITY_PRS'] ?? 20);
const PARTS = new Set((process.env['KKP_BENCH_RELIABILITY_PARTS'] ?? 'load,memory,faults').split(',').map((p) => p.trim()));
/** Clusters held by the live-state cache of the memory figure. */
const CACHED_CLUSTERS = Number(process.env['KKP_BENCH_CACHED_CLUSTERS'] ?? 20_000);
const PLAN_MARKER = '<!-- kkp-gitops:plan';
const CLUSTER_FILES = [
  'projects/webshop7k2/clusters/shop-staging-eu.yaml',
  'projects/webshop7k2/clusters/shop-prod-eu.yaml',
  'projects/datalake3q/clusters/lake-query-us.yaml',
  'projects/platform5x/clusters/tools-us.yaml',
];

interface LoadResult {
  readonly events: number;
  /** Deliveries whose HTTP exchange broke (sent again once, with the same delivery id, as GitHub's redelivery). */
  readonly resent: number;
  readonly ms: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly detail: string[];
}


/** Opens `PRS` pull requests, each with a second commit prepared (pushed later, for its `synchronize`). */
function preparePullRequests(h: ReliabilityHarness): { pr: PullRequestRecord; next: string }[] {
  const prepared: { pr: PullRequestRecord; next: string }[] = [];
  for (let i = 0; i < PRS; i++) {
    const file = CLUSTER_FILES[i % CLUSTER_FILES.length]!;
    const pr = h.openPullRequest(`load-${i}`, () => h.edit(file, /humanReadableName: .*/, `humanReadableName: Load ${i} first`));
    h.git('checkout', '--quiet', `load-${i}`);
    h.edit(file, /humanReadableName: .*/, `humanReadableName: Load ${i} second`);
    h.git('commit', '--quiet', '-am', `load ${i} second`);
    h.git('branch', '--quiet', '-f', `load-${i}-next`, 'HEAD');
    h.git('reset', '--quiet', '--hard', 'HEAD~1');
    h.git('checkout', '--quiet', 'main');
    prepared.push({ pr, next: `load-${i}-next` });
  }
  return prepared;
}

/** Sends with `send`; a broken exchange (a reset keep-alive socket) is sent again once with the same delivery id. */
async function sendOnce(send: (id: string) => Promise<unknown>, counter: { resent: number }): Promise<void> {
  const id = randomUUID();
  try {
    await send(id);
  } catch {
    counter.resent++;
    await send(id);
  }
}

/**
 * Delivers every PR's `opened`, then pushes its second commit and delivers `synchronize`; `send` picks the receiver
 * from the delivery's slot: pull request i's `opened` is slot i, its `synchronize` slot i + 1.
 */
async function drive(h: ReliabilityHarness, prepared: { pr: PullRequestRecord; next: string }[], send: (delivery: Delivery, slot: number) => Promise<unknown>): Promise<void> {
  await Promise.all(prepared.map(({ pr }, i) => send(pullRequestDelivery(h.gh, pr, 'opened'), i)));
  for (const { pr, next } of prepared) h.git('push', '--quiet', '--force', 'origin', `${next}:${pr.head.ref}`);
  await Promise.all(prepared.map(({ pr }, i) => send(pullRequestDelivery(h.gh, h.gh.refreshPullRequest(pr), 'synchronize'), i + 1)));
}

/** What each pull request ended with: one plan comment naming its final head, one completed check run for that head. */
function judge(h: ReliabilityHarness, prepared: { pr: PullRequestRecord }[]): { lost: number; duplicated: number; detail: string[] } {
  let lost = 0;
  let duplicated = 0;
  const detail: string[] = [];
  for (const { pr } of prepared) {
    const comments = h.gh.store.commentsOn(pr.repositoryId, pr.number).filter((c) => c.body.includes(PLAN_MARKER));
    const completed = h.gh.store.checkRuns.filter((r) => r.headSha === pr.head.sha && r.status === 'completed' && r.conclusion !== 'cancelled');
    const current = comments.some((c) => c.body.includes(pr.head.sha));
    if (!current || completed.length === 0) {
      lost++;
      detail.push(`#${pr.number}: ${current ? '' : 'no plan comment for the final head; '}${completed.length} completed check runs for it`);
    }
    if (comments.length > 1 || completed.length > 1) {
      duplicated++;
      detail.push(`#${pr.number}: ${comments.length} plan comments, ${completed.length} completed check runs for the final head`);
    }
  }
  return { lost, duplicated, detail };
}

async function loadOnBots(processes: number): Promise<LoadResult> {
  const h = await startReliabilityHarness();
  try {
    const bots: BotProcess[] = [];
    for (let i = 0; i < processes; i++) bots.push(h.bot());
    await Promise.all(bots.map((b) => b.start()));
    const prepared = preparePullRequests(h);
    const counter = { resent: 0 };
    const run = await timed(async () => {
      await drive(h, prepared, (delivery, index) => sendOnce((id) => h.deliver(bots[index % bots.length]!, delivery, id), counter));
      const done = () => prepared.every(({ pr }) => h.gh.store.checkRuns.some((r) => r.headSha === pr.head.sha && r.status === 'completed') && h.gh.store.commentsOn(pr.repositoryId, pr.number).some((c) => c.body.includes(pr.head.sha)));
      await waitFor(done, 180_000, () => 'the plans did not all arrive').catch(() => undefined);
    });
    await h.waitForGitHubQuiet(1_500, 60_000).catch(() => undefined);
    const judged = judge(h, prepared);
    for (const bot of bots) if (!bot.running) judged.detail.unshift(`${bot.name} exited: ${bot.output(500)}`);
    return { events: prepared.length * 2, ms: run.ms, resent: counter.resent, ...judged };
  } finally {
    await h.stop();
  }
}

async function loadOnNoOpProbot(): Promise<LoadResult> {
  const h = await startReliabilityHarness();
  const server = new Server({
    Probot: Probot.defaults({ appId: h.gh.app.appId, privateKey: h.gh.app.privateKey, secret: h.gh.app.webhookSecret, baseUrl: h.gh.apiUrl, logLevel: 'fatal' }),
    port: await freePort(),
    host: '127.0.0.1',
    // A silent server log (Probot's own default logs every request at info).
    log: pino({ level: 'silent' }),
  });
  try {
    await server.load((probot) => probot.on('pull_request', async () => undefined));
    await server.start();
    const url = `http://127.0.0.1:${server.port}/api/github/webhooks`;
    const prepared = preparePullRequests(h);
    const counter = { resent: 0 };
    const run = await timed(() => drive(h, prepared, (delivery) => sendOnce((id) => deliverWebhook(url, h.gh.app.webhookSecret, delivery, id), counter)));
    return { events: prepared.length * 2, ms: run.ms, resent: counter.resent, lost: 0, duplicated: 0, detail: [] };
  } finally {
    await server.stop();
    await h.stop();
  }
}

function perMinute(r: LoadResult): number {
  return (r.events / r.ms) * 60_000;
}

/** The bot's peak resident memory so far (`VmHWM`) and now (`VmRSS`), in MB; undefined where /proc is not there. */
function memoryOf(pid: number | undefined): { peakMb: number; nowMb: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { peakMb: kb('VmHWM') / 1024, nowMb: kb('VmRSS') / 1024 };
  } catch {
    return undefined;
  }
}

/**
 * A bot whose live-state cache holds `CACHED_CLUSTERS` Clusters: that many Clusters (copies of one of the repository's,
 * not managed by it, so the plan leaves them alone) on seed-eu, then one pull request planned (its lists fill the
 * cache), then a second one (answered from the cache). Peak memory of the bot process, and its memory idle before.
 */
async function warmCacheMemory(): Promise<{ idleMb: number; peakMb: number; clusters: number; planMs: number }> {
  const h = await startReliabilityHarness();
  try {
    const desired = await desiredAt(h.repo.gitDir, 'main', h.repo.fullName);
    const template = desired.targets.find((t) => t.target === 'seed-eu')?.objects.find((o) => o.id.kind === 'Cluster')?.manifest;
    if (!template) throw new Error('the example repository has no Cluster on seed-eu');
    // KKP's admission wants the Cluster's Seed and Project in the master: the repository's master objects first.
    const master = h.sandbox.clusters.get('master')!.api;
    const masterObjects = desired.targets.find((t) => t.target === 'master')?.objects ?? [];
    for (const kind of ['Seed', 'Project']) {
      for (const { manifest } of masterObjects.filter((o) => o.id.kind === kind)) master.create(master.typeOf(manifest.apiVersion, kind)!, manifest.metadata.namespace, structuredClone(manifest) as never);
    }
    const seed = h.sandbox.clusters.get('seed-eu')!.api;
    const type = seed.typeOf(template.apiVersion, 'Cluster')!;
    // Not this repository's: without its labels (KKP's own, such as the project, stay) and annotations.
    const { [MANAGED_BY_LABEL]: _managed, [REPOSITORY_LABEL]: _repository, ...labels } = template.metadata.labels ?? {};
    const { annotations: _annotations, ...metadata } = template.metadata;
    for (let i = 0; i < CACHED_CLUSTERS; i++) seed.create(type, undefined, { ...structuredClone(template), metadata: { ...metadata, labels, name: `cached-${i.toString(36).padStart(4, '0')}` } } as never);
    const bot = h.bot();
    await bot.start();
    await new Promise((r) => setTimeout(r, 1_000));
    const idle = memoryOf(bot.pid);
    let planMs = 0;
    for (const [i, file] of CLUSTER_FILES.slice(0, 2).entries()) {
      const pr = h.openPullRequest(`memory-${i}`, () => h.edit(file, /humanReadableName: .*/, `humanReadableName: Memory ${i}`));
      const run = await timed(async () => {
        await h.deliver(bot, pullRequestDelivery(h.gh, pr, 'opened'));
        await waitFor(() => h.gh.store.checkRuns.some((r) => r.headSha === pr.head.sha && r.status === 'completed'), 300_000, () => `the plan did not arrive\n${bot.output(2_000)}`);
      });
      planMs = run.ms;
    }
    const after = memoryOf(bot.pid);
    if (!idle || !after) throw new Error('no /proc to read the bot’s memory from');
    return { idleMb: idle.nowMb, peakMb: after.peakMb, clusters: seed.list(type, undefined).entries.length, planMs };
  } finally {
    await h.stop();
  }
}

async function main(): Promise<void> {
  await ensureBuilt();
  const perProcesses = new Map<number, number>();
  if (PARTS.has('load')) printFigure('load', `${PRS} pull requests, 2 events each (opened, then synchronize to a new head)`);
  const peer = PARTS.has('load') ? await loadOnNoOpProbot() : undefined;
  for (const processes of peer ? [1, 2] : []) {
    let ours: LoadResult;
    try {
      ours = await loadOnBots(processes);
    } catch (error) {
      printFigure(`load held, ${processes} process${processes > 1 ? 'es' : ''}`, `NOT measured: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    perProcesses.set(processes, perMinute(ours));
    printRatio(`load held, ${processes} process${processes > 1 ? 'es' : ''}`, perMinute(ours), perMinute(peer!), 'events/min');
    printFigure(`  lost / duplicated (${processes} process${processes > 1 ? 'es' : ''})`, `${ours.lost} lost, ${ours.duplicated} duplicated of ${PRS} pull requests${ours.resent ? `, ${ours.resent} deliveries resent after a broken connection` : ''}${ours.detail.length ? `: ${ours.detail.slice(0, 3).join('; ')}` : ''}`);
  }
  const one = perProcesses.get(1);
  const two = perProcesses.get(2);
  if (one !== undefined && two !== undefined) printRatio('load held, 2 processes vs 1', two, one, 'events/min', { target: '≥ 1.6x' });

  if (PARTS.has('memory')) try {
    const memory = await warmCacheMemory();
    printFigure(`peak memory, warm cache of ${memory.clusters.toLocaleString('en-US')} clusters`, `${memory.peakMb.toFixed(0)} MB vs peer (the same server idle, before its first plan) ${memory.idleMb.toFixed(0)} MB  (target < 400 MB; last plan ${(memory.planMs / 1000).toFixed(1)} s)`);
  } catch (error) {
    printFigure('peak memory, warm cache', `NOT measured: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }

  for (const scenario of PARTS.has('faults') ? FAULT_SCENARIOS : []) {
    const h = await startReliabilityHarness();
    try {
      const run = await timed(() => scenario.run(h));
      const report = run.value;
      const c = report.convergence;
      printFigure(`fault: ${report.name}`, `${report.problems.length === 0 ? 'survived' : `NOT survived: ${report.problems[0]!.split('\n')[0]}`} (${(run.ms / 1000).toFixed(1)} s)`);
      const asDesired = c.desired - c.missing.length - c.differing.length;
      printFigure(`  nothing lost (desired vs live)`, `${(asDesired / Math.max(1, c.desired)).toFixed(2)}: ${describeConvergence(c)}`);
    } catch (error) {
      printFigure(`fault: ${scenario.name}`, `NOT run: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    } finally {
      await h.stop();
      await stopAllBots();
    }
  }
}

try {
  await main();
} finally {
  await stopAllBots();
}
