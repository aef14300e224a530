/**
 * Reliability benchmark (issue 6's closing figures), with real bot processes (`node bin/kkp-gitops.js serve`)
 * against the local GitHub API server and the sandbox:
 * - load held: pull-request events per minute processed without a lost or duplicated plan comment or check run, on
 *   one process and on two (deliveries alternate between them, as behind a load balancer, so that the two events
 *   of one pull request land on different processes); peer: the same deliveries answered by a no-op Probot app;
 * - faults survived: each fault scenario of `test/reliability/fault-scenarios.ts` once, with its result;
 * - nothing lost: for each scenario, desired objects versus live objects at the end.
 * Octokit's write spacing (github.com's abuse limits) is taken out of the bots, as in the tests: the local server
 * has no such limits, and with it the figure would measure the spacing (1 s per write), not the bot.
 * `KKP_BENCH_RELIABILITY_PRS` sets the number of pull requests (default 20: 40 events per run).
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { Probot, Server } from 'probot';
import { ensureBuilt, stopAllBots, type BotProcess } from '../test/support/bot-process.js';
import { deliverWebhook } from '../test/support/github-server/deliver-webhook.js';
import type { PullRequestRecord } from '../test/support/github-server/store.js';
import { pullRequestDelivery, type Delivery } from '../test/support/github-server/webhook-payloads.js';
import { describeConvergence } from '../test/reliability/cluster-convergence.js';
import { FAULT_SCENARIOS } from '../test/reliability/fault-scenarios.js';
import { startReliabilityHarness, waitFor, type ReliabilityHarness } from '../test/reliability/reliability-harness.js';
import { printFigure, printRatio, timed } from './report.js';
import { freePort } from '../test/support/free-port.js';

const PRS = Number(process.env['KKP_BENCH_RELIABILITY_PRS'] ?? 20);
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

/** Delivers every PR's `opened`, then pushes its second commit and delivers `synchronize`; `send` picks the receiver. */
async function drive(h: ReliabilityHarness, prepared: { pr: PullRequestRecord; next: string }[], send: (delivery: Delivery, index: number) => Promise<unknown>): Promise<void> {
  await Promise.all(prepared.map(({ pr }, i) => send(pullRequestDelivery(h.gh, pr, 'opened'), 2 * i)));
  for (const { pr, next } of prepared) h.git('push', '--quiet', '--force', 'origin', `${next}:${pr.head.ref}`);
  await Promise.all(prepared.map(({ pr }, i) => send(pullRequestDelivery(h.gh, h.gh.refreshPullRequest(pr), 'synchronize'), 2 * i + 1)));
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

async function main(): Promise<void> {
  await ensureBuilt();
  printFigure('load', `${PRS} pull requests, 2 events each (opened, then synchronize to a new head)`);
  const peer = await loadOnNoOpProbot();
  for (const processes of [1, 2]) {
    let ours: LoadResult;
    try {
      ours = await loadOnBots(processes);
    } catch (error) {
      printFigure(`load held, ${processes} process${processes > 1 ? 'es' : ''}`, `NOT measured: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    printRatio(`load held, ${processes} process${processes > 1 ? 'es' : ''}`, perMinute(ours), perMinute(peer), 'events/min');
    printFigure(`  lost / duplicated (${processes} process${processes > 1 ? 'es' : ''})`, `${ours.lost} lost, ${ours.duplicated} duplicated of ${PRS} pull requests${ours.resent ? `, ${ours.resent} deliveries resent after a broken connection` : ''}${ours.detail.length ? `: ${ours.detail.slice(0, 3).join('; ')}` : ''}`);
  }

  for (const scenario of FAULT_SCENARIOS) {
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
