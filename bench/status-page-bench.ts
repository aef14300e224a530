/**
 * Status page benchmark: the server time of `GET /` and `GET /repositories/<owner>/<name>` (snapshot from the Lease
 * records and the recorder's notes, then HTML) for 100 repositories × 100 seeds (101 targets each, 5 open pull
 * requests each, 50 reconciles), against a peer measured in the same run: `JSON.stringify` of the same snapshot, the
 * floor of writing that much data out at all. Median of 30 runs after 5 warm-up runs, in one process.
 * Target (issue 15): under 100 ms server time per page.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RECORD_ANNOTATIONS, REPOSITORY_LEASE_LABELS } from '../src/coordination/applied-record.js';
import type { LeaseState } from '../src/coordination/lease-store.js';
import type { Plan } from '../src/core/plan/plan.js';
import { buildStatusSnapshot } from '../src/status-page/status-snapshot.js';
import { statusPageRoutes } from '../src/status-page/status-page-routes.js';
import { createStatusRecorder } from '../src/status-page/status-recorder.js';
import { printFigure, printRatio } from './report.js';

const REPOSITORIES = 100;
const SEEDS = 100;
const RUNS = 30;
const WARM_UP = 5;
const NOW = Date.parse('2026-12-08T10:00:00Z');
const sha = (n: number) => n.toString(16).padStart(40, '0');

const recorder = createStatusRecorder(() => 'kkp-gitops-7f9c-1-abc123');
const leases: LeaseState[] = [];
const seeds = Array.from({ length: SEEDS }, (_, i) => `seed-${String(i).padStart(3, '0')}`);
for (let r = 0; r < REPOSITORIES; r++) {
  const fullName = `acme/kkp-config-${r}`;
  const applied = sha(r * 1000 + 1);
  recorder.recordRepository(fullName, { url: `https://github.com/${fullName}`, defaultBranch: 'main' });
  recorder.recordHead(fullName, 'main', applied, `Merge pull request #${r} from acme/change-${r}`);
  const plan: Plan = {
    type: 'plan',
    repository: fullName,
    commit: applied,
    allowDeletions: false,
    unrendered: [],
    targets: ['master', ...seeds].map((target, t) => ({
      target,
      status: t % 37 === 5 ? 'unreachable' : 'ready',
      ...(t % 37 === 5 ? { error: 'connect ECONNREFUSED 10.0.0.1:6443' } : {}),
      stages: [{
        phase: 'apply',
        order: 1,
        kinds: ['Cluster'],
        changes: Array.from({ length: 20 }, (_, c) => ({ id: { target, apiVersion: 'kubermatic.k8c.io/v1', kind: target === 'master' ? (c % 2 ? 'Project' : 'Seed') : 'Cluster', name: `obj-${c}` }, action: 'unchanged' as const, diff: [], destructive: false, drift: c === 3 && t % 10 === 0, errors: [] })),
      }],
    })),
  };
  recorder.recordPlan(plan, NOW - 60_000, 900);
  recorder.recordApply({ type: 'apply', repository: fullName, commit: applied, dryRun: false, unrendered: [], targets: plan.targets.map((t) => ({ target: t.target, status: t.status === 'ready' ? 'applied' : 'unreachable', stages: [] })) }, NOW - 50_000, 4_000);
  for (let p = 0; p < 5; p++) {
    const number = r * 10 + p;
    recorder.recordPullRequest(fullName, { number, state: 'open', headSha: sha(r * 1000 + 100 + p), headRef: `change-${p}`, url: `https://github.com/${fullName}/pull/${number}` });
    recorder.recordPlan({ ...plan, commit: sha(r * 1000 + 100 + p) }, NOW - 10_000, 800);
    recorder.recordPlanComment(fullName, number, `https://github.com/${fullName}/pull/${number}#issuecomment-${number}`);
  }
  leases.push({
    name: `kkp-gitops-${r}`,
    resourceVersion: String(r),
    labels: REPOSITORY_LEASE_LABELS,
    annotations: { [RECORD_ANNOTATIONS.repository]: fullName, [RECORD_ANNOTATIONS.appliedCommit]: applied, [RECORD_ANNOTATIONS.appliedAt]: new Date(NOW - 46_000).toISOString() },
    ...(r % 3 === 0 ? { holderIdentity: `kkp-gitops-${r % 2}-1-xyz`, acquireTime: NOW - 2_000, renewTime: NOW - 1_000, leaseDurationSeconds: 30 } : {}),
  });
}

const routes = statusPageRoutes({ recorder, leases: { list: async () => leases }, now: () => NOW });

/** The handler's time until it ends the response (server time), and the body's size. */
async function serverTime(path: string): Promise<{ ms: number; bytes: number }> {
  let bytes = 0;
  let status = 0;
  const res = {
    writeHead(code: number) {
      status = code;
      return res;
    },
    end(body?: string) {
      bytes = body ? Buffer.byteLength(body) : 0;
      return res;
    },
  } as unknown as ServerResponse;
  const req = { url: path, method: 'GET', headers: { accept: 'text/html' } } as unknown as IncomingMessage;
  const start = process.hrtime.bigint();
  await routes(req, res);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (status !== 200) throw new Error(`${path} answered ${status}`);
  return { ms, bytes };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function measure(fn: () => Promise<number> | number): Promise<number> {
  for (let i = 0; i < WARM_UP; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await fn());
  return median(times);
}

const overviewSize = (await serverTime('/')).bytes;
const repositorySize = (await serverTime('/repositories/acme/kkp-config-42')).bytes;
const overview = await measure(async () => (await serverTime('/')).ms);
const repository = await measure(async () => (await serverTime('/repositories/acme/kkp-config-42')).ms);
const peer = await measure(() => {
  const start = process.hrtime.bigint();
  JSON.stringify(buildStatusSnapshot({ recorder, leases, now: NOW }));
  return Number(process.hrtime.bigint() - start) / 1e6;
});

printFigure('landscape', `${REPOSITORIES} repositories × ${SEEDS} seeds (${REPOSITORIES * (SEEDS + 1)} targets), ${REPOSITORIES * 5} open pull requests`);
printRatio('GET / server time, median (ms)', overview, peer, 'ms', { lowerIsBetter: true, target: '< 100 ms' });
printFigure('  page size', `${(overviewSize / 1024).toFixed(0)} KiB`);
printRatio('GET /repositories/<owner>/<name> (ms)', repository, peer, 'ms', { lowerIsBetter: true, target: '< 100 ms' });
printFigure('  page size', `${(repositorySize / 1024).toFixed(0)} KiB`);
if (overview >= 100 || repository >= 100) {
  process.stderr.write('status page over its 100 ms budget\n');
  process.exitCode = 1;
}
