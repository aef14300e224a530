/**
 * Reconcile engine benchmark (issue 4). On the generated repository (100 seeds, 2,000 datacenters, 10,000
 * clusters) against the sandbox (a master and the 100 seeds, in this process, over HTTP):
 * - initial apply: time and requests (validate, render, read, plan and apply everything);
 * - no-op: whole plan time and API requests (target: requests ≤ targets × kinds, plan under 3 s), and the writes
 *   a second apply makes (zero);
 * - one-cluster change: writes (target: exactly one).
 * Peer, in the same run: `kubectl apply --server-side` of the same rendered objects, one invocation per target,
 * on a fresh sandbox of its own; initial apply and the no-op re-apply (target: ours ≥ 5× faster for both).
 * When kubectl on every seed would take too long, it is measured on the master and a proportional subset of the
 * seeds and scaled to the whole; the output says so.
 * Health wait (issue 14): everything above runs with the wait off (`applyPlan`). Last, on `examples/` against a
 * sandbox with its KKP controllers (Clusters `Running` after `KKP_BENCH_CONTROLLER_DELAY_MS`, default 2000): the
 * time a healthy rollout with the wait adds over the same apply without it, against the controllers' delay (target:
 * the watching costs < 5% of the delay).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPlan } from '../src/core/apply/apply-plan.js';
import { applyRepository } from '../src/core/apply/apply-repository.js';
import { systemClock } from '../src/coordination/clock.js';
import { KINDS } from '../src/core/kinds.js';
import { folderSource } from '../src/core/load/folder-source.js';
import { loadRepository } from '../src/core/load/load-repository.js';
import { planRepository } from '../src/core/plan/plan-repository.js';
import type { DesiredState } from '../src/core/render/desired-state.js';
import { renderDesiredState } from '../src/core/render/render-desired-state.js';
import { createKubeConnector } from '../src/kube/kube-connector.js';
import { startSandbox, type Sandbox } from '../src/sandbox/start-sandbox.js';
import { generateRepository } from './generate-repository.js';
import { printFigure, printRatio, timed } from './report.js';

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete']);
/** kubectl is measured on at most this many seeds (plus the master), then scaled. */
const KUBECTL_SEEDS = Number(process.env['KKP_BENCH_KUBECTL_SEEDS'] ?? 10);

const scratch = mkdtempSync(join(tmpdir(), 'kkp-gitops-engine-bench-'));
const sandboxes: Sandbox[] = [];
try {
  await main();
} finally {
  for (const s of sandboxes) await s.stop();
  rmSync(scratch, { recursive: true, force: true });
}

async function main(): Promise<void> {
  const repoDir = join(scratch, 'repo');
  const generated = generateRepository(repoDir);
  printFigure('generated repository', `${generated.documents.toLocaleString('en-US')} documents (${JSON.stringify(generated.kinds)})`);
  const head = await loadRepository(folderSource(repoDir));
  const repository = head.config.repository ?? 'bench/generated';
  const desired = renderDesiredState(head, { repository });
  const seeds = desired.targets.map((t) => t.target).filter((t) => t !== 'master');
  const objects = desired.targets.reduce((n, t) => n + t.objects.length, 0);
  const appliedKinds = KINDS.filter((k) => k.applyOrder !== undefined).length;
  const requestBudget = desired.targets.length * appliedKinds;
  printFigure('targets / rendered objects', `${desired.targets.length} (master + ${seeds.length} seeds) / ${objects.toLocaleString('en-US')}`);

  // Ours, on a sandbox of its own.
  const ours = await sandboxFor(seeds);
  const connector = () => createKubeConnector({ kubeconfig: ours.kubeconfig, maxSockets: 8 });
  // `serverDryRun`: the initial apply plans as `kkp-gitops apply` does (its writes are judged by the API servers
  // anyway); the no-op and one-change runs plan as a pull request does (every create and update dry-run first).
  const run = async (serverDryRun: boolean) => {
    const c = connector();
    try {
      const planned = await timed(() => planRepository({ head: headNow ?? head, connector: c, repository, serverDryRun }));
      const plan = planned.value.plan;
      if (!plan) throw new Error('the generated repository should validate');
      const applied = await timed(() => applyPlan(plan, planned.value.clients ?? new Map()));
      return { planMs: planned.ms, applyMs: applied.ms, result: applied.value, plan };
    } finally {
      await c.close?.();
    }
  };
  let headNow: typeof head | undefined;

  resetRequests(ours);
  const initial = await run(false);
  const initialRequests = requestCount(ours);
  const failed = initial.result.targets.filter((t) => t.status !== 'applied');
  if (failed.length) throw new Error(`initial apply failed on ${failed.map((t) => `${t.target} (${t.error ?? t.stages.flatMap((s) => s.changes).find((c) => c.error)?.error?.message})`).join(', ')}`);
  const initialMs = initial.planMs + initial.applyMs;

  resetRequests(ours);
  const noop = await run(true);
  const noopRequests = requestCount(ours);
  const noopWrites = writeCount(ours);
  const noopDryRuns = writeCount(ours, true);
  const noopPlanReads = noopRequests - noopWrites - noopDryRuns;

  // One cluster changed in Git.
  const clusterFile = findClusterFile(head);
  writeFileSync(join(repoDir, clusterFile), readFileSync(join(repoDir, clusterFile), 'utf8').replace(/humanReadableName: .*/, 'humanReadableName: Changed by the benchmark'));
  headNow = await loadRepository(folderSource(repoDir));
  resetRequests(ours);
  const one = await run(true);
  const oneWrites = writeCount(ours);
  const oneDryRuns = writeCount(ours, true);

  // kubectl, on a fresh sandbox: the same rendered objects, one `apply --server-side` per target.
  const peer = await sandboxFor(seeds);
  const kubeconfigFile = join(scratch, 'kubectl-kubeconfig');
  writeFileSync(kubeconfigFile, peer.kubeconfigYaml);
  const measured = desired.targets.filter((t) => t.target === 'master' || seeds.indexOf(t.target) < KUBECTL_SEEDS);
  const measuredSeeds = measured.length - 1;
  const measuredObjects = measured.reduce((n, t) => n + t.objects.length, 0);
  // The master is measured whole; the seeds' part is scaled from the measured seeds to all of them.
  const seedScale = seeds.length / Math.max(1, measuredSeeds);
  const files = new Map(measured.map((t) => [t.target, manifestsFile(desired, t.target)]));
  const kubectlRun = async (label: string) => {
    resetRequests(peer);
    let masterMs = 0;
    let seedsMs = 0;
    let masterRequests = 0;
    for (const target of measured) {
      const ms = await kubectlApply(kubeconfigFile, target.target, files.get(target.target)!, label);
      if (target.target === 'master') {
        masterMs = ms;
        masterRequests = requestCount(peer);
      } else seedsMs += ms;
    }
    const seedRequests = requestCount(peer) - masterRequests;
    const writes = writeCount(peer);
    const masterWrites = peer.clusters.get('master')!.requests.entries.filter((r) => WRITE_VERBS.has(r.verb)).length;
    return {
      ms: masterMs + seedsMs * seedScale,
      requests: masterRequests + seedRequests * seedScale,
      writes: masterWrites + (writes - masterWrites) * seedScale,
    };
  };
  const kubectlInitial = await kubectlRun('initial');
  const kubectlNoop = await kubectlRun('no-op');
  const kubectlInitialMs = kubectlInitial.ms;
  const kubectlInitialRequests = kubectlInitial.requests;
  const kubectlNoopMs = kubectlNoop.ms;
  const kubectlNoopRequests = kubectlNoop.requests;
  const kubectlNoopWrites = kubectlNoop.writes;
  const subset = measured.length < desired.targets.length;

  const note = subset
    ? `kubectl measured on the master and ${measuredSeeds} of ${seeds.length} seeds (${measuredObjects.toLocaleString('en-US')} of ${objects.toLocaleString('en-US')} objects); the seeds' part scaled ×${seedScale.toFixed(0)}`
    : 'kubectl measured on every target';
  printFigure('peer', note);
  printRatio('initial apply, whole landscape (ms)', initialMs, kubectlInitialMs, 'ms', { lowerIsBetter: true, target: '≥ 5x' });
  printFigure('  ours: plan (load, validate, read) / apply', `${initial.planMs.toFixed(0)} ms / ${initial.applyMs.toFixed(0)} ms`);
  printRatio('initial apply, API requests', initialRequests, kubectlInitialRequests, 'requests', { lowerIsBetter: true });
  printRatio('no-op (plan + apply, nothing written) (ms)', noop.planMs + noop.applyMs, kubectlNoopMs, 'ms', { lowerIsBetter: true, target: '≥ 5x' });
  printRatio('no-op: whole plan (load, validate, render, read, diff) (ms)', noop.planMs, kubectlNoopMs, 'ms', { lowerIsBetter: true, target: 'plan < 3,000 ms' });
  printRatio('no-op, API requests', noopRequests, kubectlNoopRequests, 'requests', { lowerIsBetter: true, target: `≤ ${requestBudget} (targets × kinds)` });
  printFigure('  of which reads / writes / dry-runs', `${noopPlanReads} / ${noopWrites} / ${noopDryRuns} (target: 0 writes, 0 dry-runs)`);
  printRatio('one-cluster change, writes', oneWrites, kubectlNoopWrites, 'writes', { lowerIsBetter: true, target: 'exactly 1 (peer: kubectl re-applies every object)' });
  printFigure('  server-side dry-runs of the plan', `${oneDryRuns} (target: ≤ 1 per changed object)`);
  const oneChange = one.plan.targets.flatMap((t) => t.stages.flatMap((s) => s.changes)).filter((c) => c.action !== 'unchanged');
  printFigure('  changes planned', oneChange.map((c) => `${c.action} ${c.id.target}: ${c.id.kind}/${c.id.name}`).join(', '));
  if (noopWrites !== 0 || oneWrites !== 1 || noopRequests > requestBudget) process.exitCode = 1;
  await healthWaitOverhead();
}

/** Apply of `examples/` without and with the health wait, each on a fresh sandbox with the KKP controllers. */
async function healthWaitOverhead(): Promise<void> {
  const delayMs = Number(process.env['KKP_BENCH_CONTROLLER_DELAY_MS'] ?? 2000);
  const head = await loadRepository(folderSource(join(import.meta.dirname, '..', 'examples')));
  const once = async (wait: boolean) => {
    const sandbox = await startSandbox({ kkpControllers: { delayMs } });
    sandboxes.push(sandbox);
    const connector = createKubeConnector({ kubeconfig: sandbox.kubeconfig });
    try {
      const { value: outcome, ms } = await timed(() => applyRepository({ head, connector, wait, clock: systemClock }));
      const health = outcome.result?.rollout?.health ?? [];
      if (wait && health.length === 0) throw new Error('the rollout waited for no target');
      const unhealthy = health.filter((h) => h.state !== 'healthy');
      if (unhealthy.length > 0) throw new Error(`not healthy: ${unhealthy.map((h) => h.target).join(', ')}`);
      return { ms, longestWaitMs: Math.max(0, ...health.map((h) => h.waitedMs)) };
    } finally {
      await connector.close?.();
    }
  };
  await once(false); // warm-up: module loading and first connections are not the wait's cost
  const without = await once(false);
  const withWait = await once(true);
  // The Clusters turn Running `delayMs` after they are created: a wait that ends then costs nothing beyond it.
  const overhead = Math.max(withWait.ms - without.ms - delayMs, withWait.longestWaitMs - delayMs);
  printFigure('health wait: apply of examples/ without / with (ms)', `${Math.round(without.ms)} / ${Math.round(withWait.ms)} (controllers' delay ${delayMs} ms, longest target wait ${Math.round(withWait.longestWaitMs)} ms)`);
  printFigure('  added by the wait beyond the delay (ms)', `${Math.round(overhead)} = ${((100 * overhead) / delayMs).toFixed(1)}% of the delay (target: < 5%)`);
  if (overhead > 0.05 * delayMs) process.exitCode = 1;
}

async function sandboxFor(seeds: readonly string[]): Promise<Sandbox> {
  const sandbox = await startSandbox({ seeds: [...seeds] });
  sandboxes.push(sandbox);
  return sandbox;
}

function resetRequests(sandbox: Sandbox): void {
  for (const c of sandbox.clusters.values()) c.requests.clear();
}

function requestCount(sandbox: Sandbox): number {
  return [...sandbox.clusters.values()].reduce((n, c) => n + c.requests.count, 0);
}

/** Writes that persist; `dryRun: true` counts the plan's server-side dry-runs instead. */
function writeCount(sandbox: Sandbox, dryRun = false): number {
  return [...sandbox.clusters.values()].reduce((n, c) => n + c.requests.entries.filter((r) => WRITE_VERBS.has(r.verb) && r.dryRun === dryRun).length, 0);
}

function findClusterFile(head: Awaited<ReturnType<typeof loadRepository>>): string {
  const doc = head.documents.find((d) => d.kind === 'Cluster');
  if (!doc) throw new Error('no Cluster in the generated repository');
  return doc.file;
}

/** One target's rendered objects as a stream of JSON documents for kubectl. */
function manifestsFile(desired: DesiredState, target: string): string {
  const file = join(scratch, `kubectl-${target}.json`);
  const items = desired.targets.find((t) => t.target === target)?.objects.map((o) => JSON.stringify(o.manifest)) ?? [];
  writeFileSync(file, `${items.join('\n')}\n`);
  return file;
}

/**
 * `kubectl apply --server-side` of one file to one context; its wall time in ms. Asynchronous: the sandbox that
 * answers it runs in this process.
 */
function kubectlApply(kubeconfig: string, context: string, file: string, label: string): Promise<number> {
  const start = process.hrtime.bigint();
  const child = spawn('kubectl', ['--kubeconfig', kubeconfig, '--context', context, 'apply', '--server-side', '--field-manager', 'kkp-gitops', '-f', file], {
    env: { ...process.env, KUBECACHEDIR: join(scratch, 'kube-cache') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`kubectl (${label}) on ${context} failed: ${stderr.slice(0, 500)}`));
      else resolve(Number(process.hrtime.bigint() - start) / 1e6);
    });
  });
}
