/**
 * Webhook benchmark (issues 5 and 16). The generated repository (100 seeds, 2,000 datacenters; 1,000, 10,000 and
 * 20,000 clusters, each size in a process of its own so that its peak memory is its own; applied to a sandbox
 * first), served by the local GitHub API server; the real Probot server with the kkp-gitops app.
 * - webhook response time of a signed `pull_request` delivery (target < 500 ms: the work goes on after the
 *   answer), against the plain Probot server answering the same delivery with a no-op handler;
 * - delivery → plan comment written, for a one-cluster change on a warm server (median of 5 deliveries; target
 *   ≤ 1.5 s at 10,000 clusters), against the same with an empty mirror cache (a fresh clone, 10,000 clusters only);
 *   GitHub's second between content writes is kept, and the writes made before the comment are counted (target: the
 *   in-progress check run only);
 * - CPU per delivery (target ≤ 0.3 s) and peak memory (target < 400 MB): of the whole benchmark process, which also
 *   runs the sandbox and the GitHub API server, so both are upper bounds of the bot's own;
 * - the growth table: the same figures at 1,000, 10,000 and 20,000 clusters, as ratios to 1,000 (target: the
 *   comment at 1,000 and 20,000 within 1.5× of each other: the cost follows the change, not the repository);
 * - the Git part alone: incremental fetch against a fresh clone (10,000 clusters only).
 * Probot's production Octokit is used, write throttling included (what users get on github.com).
 * `KKP_BENCH_WEBHOOK_SIZES` (`1000,10000,20000`) and `KKP_BENCH_WEBHOOK_SEEDS` shrink the runs for a quick one.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Probot, Server, type ApplicationFunction } from 'probot';
import { createKkpApp } from '../src/app.js';
import { parseRepositoryAllowlist } from '../src/github/repository-allowlist.js';
import { createCoordination } from '../src/coordination/coordination.js';
import { createLeaseStore } from '../src/kube/lease-client.js';
import { createKkpEngine, type KkpEngine } from '../src/engine/kkp-engine.js';
import { createRepositoryMirrors } from '../src/github/repository-mirror.js';
import { renderDesiredState } from '../src/core/render/render-desired-state.js';
import { createKubeConnector } from '../src/kube/kube-connector.js';
import { startSandbox, type Sandbox } from '../src/sandbox/start-sandbox.js';
import { deliverWebhook } from '../test/support/github-server/deliver-webhook.js';
import { startGitHubServer, type GitHubServer } from '../test/support/github-server/github-server.js';
import type { PullRequestRecord, RepositoryRecord } from '../test/support/github-server/store.js';
import { pullRequestDelivery } from '../test/support/github-server/webhook-payloads.js';
import { generateRepository } from './generate-repository.js';
import { peakMemoryMiB, printFigure, printRatio, timed } from './report.js';
import { freePort } from '../test/support/free-port.js';

const SIZES = (process.env['KKP_BENCH_WEBHOOK_SIZES'] ?? '1000,10000,20000').split(',').map(Number);
/** Set in the child process that measures one size. */
const CHILD_CLUSTERS = process.env['KKP_BENCH_WEBHOOK_CLUSTERS'];
const SEEDS = Number(process.env['KKP_BENCH_WEBHOOK_SEEDS'] ?? 100);
/** The size with the peer figures (fresh clone, Git alone) and the targets of issue 16. */
const REFERENCE_SIZE = 10_000;
const FIGURES_MARK = '@@figures ';

interface SizeFigures {
  readonly clusters: number;
  readonly commentMs: number;
  readonly cpuMs: number;
  readonly peakMiB: number;
}

const scratch = mkdtempSync(join(tmpdir(), 'kkp-gitops-webhook-bench-'));
const stops: (() => Promise<void>)[] = [];
try {
  if (CHILD_CLUSTERS === undefined) await growth();
  else await main(Number(CHILD_CLUSTERS));
} finally {
  for (const stop of stops.reverse()) await stop();
  rmSync(scratch, { recursive: true, force: true });
}

/** Every size in a process of its own, then the growth table. */
async function growth(): Promise<void> {
  const figures: SizeFigures[] = [];
  for (const clusters of SIZES) {
    process.stdout.write(`  -- ${clusters.toLocaleString('en-US')} clusters\n`);
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!], { env: { ...process.env, KKP_BENCH_WEBHOOK_CLUSTERS: String(clusters) }, stdio: ['ignore', 'pipe', 'inherit'] });
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith(FIGURES_MARK)) figures.push(JSON.parse(line.slice(FIGURES_MARK.length)) as SizeFigures);
        else process.stdout.write(`${line}\n`);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`the run at ${clusters} clusters failed (exit ${code})`);
  }
  const first = figures[0];
  if (!first) return;
  process.stdout.write(`  -- growth (ratios to ${first.clusters.toLocaleString('en-US')} clusters)\n`);
  printFigure('clusters', 'comment (median)     CPU / delivery     peak memory');
  for (const f of figures) {
    const ratio = (ours: number, peer: number) => `${(ours / peer).toFixed(2)}x`;
    printFigure(f.clusters.toLocaleString('en-US'), `${f.commentMs.toFixed(0).padStart(6)} ms ${ratio(f.commentMs, first.commentMs).padStart(6)}   ${f.cpuMs.toFixed(0).padStart(6)} ms ${ratio(f.cpuMs, first.cpuMs).padStart(6)}   ${f.peakMiB.toFixed(0).padStart(5)} MiB ${ratio(f.peakMiB, first.peakMiB).padStart(6)}`);
  }
  const last = figures.at(-1)!;
  if (figures.length > 1) printRatio(`comment, ${last.clusters.toLocaleString('en-US')} vs ${first.clusters.toLocaleString('en-US')} clusters`, last.commentMs, first.commentMs, 'ms', { target: '≤ 1.5x (cost follows the change)' });
}


async function startProbot(gh: GitHubServer, appFn: ApplicationFunction): Promise<string> {
  const server = new Server({
    Probot: Probot.defaults({ appId: gh.app.appId, privateKey: gh.app.privateKey, secret: gh.app.webhookSecret, baseUrl: gh.apiUrl, logLevel: 'fatal' }),
    port: await freePort(),
    host: '127.0.0.1',
    // The server's own request log, quiet (a Probot with a token needs no key to hand out its logger).
    log: new Probot({ githubToken: 'unused', logLevel: 'fatal' }).log,
    enablePing: false,
    enableStaticFiles: false,
  });
  await server.load(appFn);
  await server.start();
  stops.push(() => server.stop());
  return `http://127.0.0.1:${server.port}/api/github/webhooks`;
}

async function main(clusters: number): Promise<void> {
  const work = join(scratch, 'work');
  const generated = generateRepository(work, { clusters, seeds: SEEDS });
  printFigure('generated repository', `${generated.files.toLocaleString('en-US')} files, ${generated.documents.toLocaleString('en-US')} documents`);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 }).trim();
  git('init', '--quiet', '--initial-branch=main');
  git('add', '-A');
  git('-c', 'user.name=bench', '-c', 'user.email=bench@example.com', 'commit', '--quiet', '-m', 'generated');

  const gh = await startGitHubServer();
  stops.push(() => gh.stop());
  const repo = gh.addRepository({ owner: 'acme', name: 'fleet' });
  git('push', '--quiet', repo.gitDir, 'main');

  // The sandbox holds what main says: apply it once, outside the measurement.
  const engine0 = createKkpEngine({ connect: () => createKubeConnector({ kubeconfig: '' }) });
  const mainHead = await engine0.load(work, 'HEAD');
  const seeds = renderDesiredState(mainHead, { repository: repo.fullName }).targets.map((t) => t.target).filter((t) => t !== 'master');
  const sandbox: Sandbox = await startSandbox({ seeds });
  stops.push(() => sandbox.stop());
  const engine = createKkpEngine({ connect: () => createKubeConnector({ kubeconfig: sandbox.kubeconfigYaml, maxSockets: 8 }) });
  const initial = await timed(async () => {
    const planned = await engine.reconcile({ head: mainHead, repository: repo.fullName });
    if (!planned.plan) throw new Error('the generated repository should validate');
    await engine.apply(planned.plan, planned.clients ?? new Map());
    await planned.release();
  });
  printFigure('initial apply to the sandbox (setup)', `${(initial.ms / 1000).toFixed(1)} s, ${seeds.length} seeds`);

  const cacheDir = join(scratch, 'mirrors');
  // Time spent in the engine per delivery (loading revisions, planning), to say where the comment's time goes.
  const spent = { load: 0, plan: 0 };
  const measuredEngine: KkpEngine = {
    load: async (gitDir, commit) => {
      const loaded = await timed(() => engine.load(gitDir, commit));
      spent.load += loaded.ms;
      return loaded.value;
    },
    reconcile: async (input) => {
      const planned = await timed(() => engine.reconcile(input));
      spent.plan += planned.ms;
      return planned.value;
    },
    apply: (plan, clients, options) => engine.apply(plan, clients, options),
  };
  // Locks on the sandbox's master, as in production; no recovery or drift passes competing with the measured plans.
  const coordination = createCoordination({ leases: createLeaseStore({ kubeconfig: sandbox.kubeconfigYaml }) });
  const app = createKkpApp({ config: { cacheDir, inCluster: false, repositoryAllowlist: parseRepositoryAllowlist(repo.fullName) }, engine: measuredEngine, coordination, recovery: false, drift: false });
  const ours = await startProbot(gh, app.appFn);
  const peer = await startProbot(gh, (probot) => probot.on('pull_request', async () => undefined));

  const clusterFiles = git('ls-files', '*.yaml').split('\n').filter((f) => /clusters\//.test(f));
  let changeNo = 0;
  /** A branch changing one cluster's display name, pushed, with its pull request opened. */
  const openChange = (): PullRequestRecord => {
    const file = clusterFiles[changeNo % clusterFiles.length]!;
    const branch = `change-${changeNo++}`;
    git('checkout', '--quiet', '-B', branch, 'main');
    const path = join(work, file);
    writeFileSync(path, readFileSync(path, 'utf8').replace(/humanReadableName: .*/, `humanReadableName: Changed ${branch}`));
    git('-c', 'user.name=bench', '-c', 'user.email=bench@example.com', 'commit', '--quiet', '-am', branch);
    git('push', '--quiet', repo.gitDir, branch);
    return gh.openPullRequest({ repository: repo, headRef: branch });
  };
  /** Delivers `opened`; returns the response time and the time until the plan comment was written. */
  const measure = async (url: string, pr: PullRequestRecord, wait: boolean) => {
    spent.load = 0;
    spent.plan = 0;
    const since = gh.requests.length;
    const start = Date.now();
    const cpu = process.cpuUsage();
    const response = await timed(() => deliverWebhook(url, gh.app.webhookSecret, pullRequestDelivery(gh, pr, 'opened')));
    if (response.value.status !== 200) throw new Error(`delivery answered ${response.value.status}: ${response.value.body}`);
    if (!wait) return { responseMs: response.ms, commentMs: 0, loadMs: 0, planMs: 0, cpuMs: 0, writesBefore: 0 };
    await app.idle();
    const used = process.cpuUsage(cpu);
    const isComment = (r: (typeof gh.requests)[number]) => r.route.startsWith('/repos/{owner}/{repo}/issues/') && r.route.endsWith('comments') && r.method === 'POST' && r.path.endsWith(`/issues/${pr.number}/comments`);
    const comment = gh.requests.slice(since).find(isComment);
    if (!comment || comment.status !== 201) throw new Error(`no plan comment on #${pr.number}`);
    // Content writes GitHub spaces by a second that went out before the comment.
    const writesBefore = gh.writes(since).filter((r) => r.time <= comment.time && r !== comment).length;
    return { responseMs: response.ms, commentMs: comment.time - start, loadMs: spent.load, planMs: spent.plan, cpuMs: (used.user + used.system) / 1000, writesBefore };
  };

  // Warm-up: JIT, connections, the first clone of the mirror.
  await measure(ours, openChange(), true);
  await measure(peer, openChange(), false);

  const runs = 5;
  const warm: Awaited<ReturnType<typeof measure>>[] = [];
  const noop: number[] = [];
  for (let i = 0; i < runs; i++) {
    warm.push(await measure(ours, openChange(), true));
    noop.push((await measure(peer, openChange(), false)).responseMs);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const commentMs = median(warm.map((w) => w.commentMs));
  const cpuMs = median(warm.map((w) => w.cpuMs));
  const peakMiB = peakMemoryMiB();
  printRatio('webhook response (kkp-gitops vs no-op Probot app)', median(warm.map((w) => w.responseMs)), median(noop), 'ms', { lowerIsBetter: true, target: '< 500 ms' });
  printFigure('delivery → plan comment (warm, median of 5)', `${commentMs.toFixed(0)} ms (each run: ${warm.map((w) => w.commentMs.toFixed(0)).join(', ')} ms)  (target ≤ 1,500 ms at 10,000 clusters)`);
  printFigure('  of which engine load / plan', `${median(warm.map((w) => w.loadMs)).toFixed(0)} ms / ${median(warm.map((w) => w.planMs)).toFixed(0)} ms`);
  printFigure('  writes before the comment', `${Math.max(...warm.map((w) => w.writesBefore))} (target: 1, the in-progress check run)`);
  printRatio('CPU per delivery vs its comment time', cpuMs, commentMs, 'ms', { target: 'CPU ≤ 300 ms; whole process: bot, sandbox, GitHub server' });
  printFigure('peak memory (whole process)', `${peakMiB.toFixed(0)} MiB  (target < 400 MB; sandbox and GitHub server included)`);
  process.stdout.write(`${FIGURES_MARK}${JSON.stringify({ clusters, commentMs, cpuMs, peakMiB } satisfies SizeFigures)}\n`);
  if (clusters !== REFERENCE_SIZE) return;

  const cold: number[] = [];
  for (let i = 0; i < 3; i++) {
    rmSync(cacheDir, { recursive: true, force: true });
    // The engine's revisions stay cached: a fresh clone of the mirror, not a fresh process.
    cold.push((await measure(ours, openChange(), true)).commentMs);
  }
  printRatio('delivery → plan comment, incremental vs fresh clone', commentMs, median(cold), 'ms', { lowerIsBetter: true, target: '< 5,000 ms' });

  // The Git part alone: an incremental fetch of one new commit against a fresh clone.
  const token = (await (await new Probot({ appId: gh.app.appId, privateKey: gh.app.privateKey, baseUrl: gh.apiUrl, logLevel: 'fatal' }).auth()).rest.apps.createInstallationAccessToken({ installation_id: repo.installationId })).data.token;
  const gitCache = join(scratch, 'git-only');
  const mirrors = createRepositoryMirrors({ cacheDir: gitCache });
  const request = { fullName: repo.fullName, cloneUrl: `${gh.url}/${repo.fullName}.git`, token };
  const fresh = await timed(() => mirrors.fetch({ ...request, refs: ['refs/heads/main'] }));
  const pr = openChange();
  const incremental = await timed(() => mirrors.fetch({ ...request, refs: ['refs/heads/main', `refs/pull/${pr.number}/head`] }));
  printRatio('git: incremental fetch vs fresh clone', incremental.ms, fresh.ms, 'ms', { lowerIsBetter: true });
  printFigure('mirror size', `${readdirSync(join(gitCache, 'acme')).length} repository, ${generated.files.toLocaleString('en-US')} files at head`);
}
