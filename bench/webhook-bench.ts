/**
 * Webhook benchmark (issue 5). The generated repository (100 seeds, 2,000 datacenters, 10,000 clusters; applied
 * to a sandbox first), served by the local GitHub API server; the real Probot server with the kkp-gitops app.
 * - webhook response time of a signed `pull_request` delivery (target < 500 ms: the work goes on after the
 *   answer), against the plain Probot server answering the same delivery with a no-op handler;
 * - delivery → plan comment written, for a one-cluster change with an incremental fetch of the mirror
 *   (target < 5 s), against the same with an empty mirror cache (a fresh clone);
 * - the Git part alone: incremental fetch against a fresh clone.
 * Probot's production Octokit is used, write throttling included (what users get on github.com).
 * `KKP_BENCH_WEBHOOK_CLUSTERS` / `KKP_BENCH_WEBHOOK_SEEDS` shrink the repository for a quick run.
 */
import { execFileSync } from 'node:child_process';
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
import { printFigure, printRatio, timed } from './report.js';
import { freePort } from '../test/support/free-port.js';

const CLUSTERS = Number(process.env['KKP_BENCH_WEBHOOK_CLUSTERS'] ?? 10_000);
const SEEDS = Number(process.env['KKP_BENCH_WEBHOOK_SEEDS'] ?? 100);

const scratch = mkdtempSync(join(tmpdir(), 'kkp-gitops-webhook-bench-'));
const stops: (() => Promise<void>)[] = [];
try {
  await main();
} finally {
  for (const stop of stops.reverse()) await stop();
  rmSync(scratch, { recursive: true, force: true });
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

async function main(): Promise<void> {
  const work = join(scratch, 'work');
  const generated = generateRepository(work, { clusters: CLUSTERS, seeds: SEEDS });
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
    const start = Date.now();
    const response = await timed(() => deliverWebhook(url, gh.app.webhookSecret, pullRequestDelivery(gh, pr, 'opened')));
    if (response.value.status !== 200) throw new Error(`delivery answered ${response.value.status}: ${response.value.body}`);
    if (!wait) return { responseMs: response.ms, commentMs: 0, loadMs: 0, planMs: 0 };
    await app.idle();
    const comment = gh.requests.find((r) => r.time >= start && r.route.startsWith('/repos/{owner}/{repo}/issues/') && r.route.endsWith('comments') && r.method === 'POST' && r.path.endsWith(`/issues/${pr.number}/comments`));
    if (!comment || comment.status !== 201) throw new Error(`no plan comment on #${pr.number}`);
    return { responseMs: response.ms, commentMs: comment.time - start, loadMs: spent.load, planMs: spent.plan };
  };

  // Warm-up: JIT, connections, the first clone of the mirror.
  await measure(ours, openChange(), true);
  await measure(peer, openChange(), false);

  const runs = 3;
  const warm: { responseMs: number; commentMs: number; loadMs: number; planMs: number }[] = [];
  const noop: number[] = [];
  for (let i = 0; i < runs; i++) {
    warm.push(await measure(ours, openChange(), true));
    noop.push((await measure(peer, openChange(), false)).responseMs);
  }
  const cold: number[] = [];
  for (let i = 0; i < runs; i++) {
    rmSync(cacheDir, { recursive: true, force: true });
    // The engine's revisions stay cached: a fresh clone of the mirror, not a fresh process.
    cold.push((await measure(ours, openChange(), true)).commentMs);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  printRatio('webhook response (kkp-gitops vs no-op Probot app)', median(warm.map((w) => w.responseMs)), median(noop), 'ms', { lowerIsBetter: true, target: '< 500 ms' });
  printRatio('delivery → plan comment, incremental vs fresh clone', median(warm.map((w) => w.commentMs)), median(cold), 'ms', { lowerIsBetter: true, target: '< 5,000 ms' });
  printFigure('  of which engine load / plan (incremental)', `${median(warm.map((w) => w.loadMs)).toFixed(0)} ms / ${median(warm.map((w) => w.planMs)).toFixed(0)} ms (each run: ${warm.map((w) => w.commentMs.toFixed(0)).join(', ')} ms)`);

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
