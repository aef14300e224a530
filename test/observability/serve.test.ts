/**
 * The observability endpoints as `kkp-gitops serve` wires them, on a real bot process: metrics change as events
 * are processed, readiness follows the master's reachability, and SIGTERM ends the process cleanly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReliabilityHarness, waitFor, type ReliabilityHarness } from '../reliability/reliability-harness.js';
import type { BotProcess } from '../support/bot-process.js';

let h: ReliabilityHarness;
let bot: BotProcess;

beforeAll(async () => {
  h = await startReliabilityHarness();
  bot = h.bot({ logLevel: 'info', extraEnv: { KKP_GITOPS_READY_TIMEOUT_MS: '2000' } });
  await bot.start();
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

async function get(path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${bot.port}${path}`);
  return { status: response.status, body: await response.text() };
}

/** The value of one sample of the Prometheus text, or undefined when absent. */
function sample(metrics: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('kkp-gitops serve', () => {
  it('answers /healthz while the process runs and /readyz when GitHub and the master are reachable', async () => {
    expect(await get('/healthz')).toMatchObject({ status: 200 });
    expect((await get('/readyz')).status).toBe(200);
  });

  it("logs at start which KKP release the master's CRDs are, and notes it on /readyz", async () => {
    await waitFor(() => bot.output().includes("the master's KKP CRDs are"), 10_000, () => `no KKP CRD line in:\n${bot.output()}`);
    const line = bot.output().split('\n').find((l) => l.includes("the master's KKP CRDs are"))!;
    expect(JSON.parse(line)).toMatchObject({ kkpCrds: 'v2.31', msg: "the master's KKP CRDs are those of KKP v2.31" });
    expect(JSON.parse((await get('/readyz')).body)).toMatchObject({ notes: { kkpCrds: 'v2.31' } });
  });

  it('counts a push delivery, the changes it applied and the apply duration on /metrics', async () => {
    const before = (await get('/metrics')).body;
    expect(sample(before, 'kkp_gitops_webhook_deliveries_total', { event: 'push', outcome: 'handled' }) ?? 0).toBe(0);

    const sha = h.git('rev-parse', 'HEAD');
    await h.deliver(bot, h.push('0'.repeat(40), sha));
    await h.waitForDeploy(sha);

    const after = (await get('/metrics')).body;
    expect(sample(after, 'kkp_gitops_webhook_deliveries_total', { event: 'push', outcome: 'handled' })).toBe(1);
    expect(sample(after, 'kkp_gitops_changes_total', { target: 'seed-eu', action: 'create' })).toBe(4);
    expect(sample(after, 'kkp_gitops_changes_total', { target: 'master', action: 'create' })).toBeGreaterThan(0);
    expect(sample(after, 'kkp_gitops_apply_duration_seconds_count')).toBe(1);
    expect(sample(after, 'kkp_gitops_github_rate_limit_remaining')).toBeDefined();
    // The records on the Lease are read once the reconcile has finished, a moment after its deployments.
    let age: number | undefined;
    const ageLabels = { repository: 'acme/kkp-config' };
    await waitFor(async () => (age = sample((await get('/metrics')).body, 'kkp_gitops_last_applied_commit_age_seconds', ageLabels)) !== undefined, 10_000, () => 'no last applied commit age on /metrics');
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(60);
  });

  it('logs JSON lines that carry the delivery id and the repository of the job', async () => {
    const sha = h.git('rev-parse', 'HEAD');
    const id = 'redelivered-push-of-the-applied-commit';
    await h.deliver(bot, h.push('0'.repeat(40), sha), id);
    await waitFor(() => bot.output().includes('already applied'), 10_000, () => `no "already applied" line in:\n${bot.output()}`);
    const line = bot.output().split('\n').find((l) => l.includes('already applied'))!;
    expect(JSON.parse(line)).toMatchObject({ id, repository: 'acme/kkp-config', commit: sha });
  });

  it('turns /readyz to 503 naming the master while the master refuses connections, and back when it returns', async () => {
    const master = h.sandbox.clusters.get('master')!;
    await master.faults.refuseConnections();
    try {
      const down = await get('/readyz');
      expect(down.status).toBe(503);
      expect(down.body).toContain('master');
    } finally {
      await master.faults.acceptConnections();
    }
    await waitFor(async () => (await get('/readyz')).status === 200, 10_000, () => 'readyz stayed 503 after the master came back');
  });

  it('serves no status page unless KKP_GITOPS_STATUS_PAGE=true', async () => {
    expect((await get('/')).status).toBe(404);
    expect((await get('/repositories/acme/kkp-config')).status).toBe(404);
  });

  it('exits cleanly on SIGTERM', async () => {
    await bot.stop(15_000);
    expect(bot.running).toBe(false);
    expect(bot.output()).toMatch(/exited \(0\)/);
  });
});
