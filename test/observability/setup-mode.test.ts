/** `kkp-gitops serve` with no app registered yet: Probot's setup page, and the observability routes beside it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReliabilityHarness, type ReliabilityHarness } from '../reliability/reliability-harness.js';
import type { BotProcess } from '../support/bot-process.js';

let h: ReliabilityHarness;
let bot: BotProcess;

beforeAll(async () => {
  h = await startReliabilityHarness();
  bot = h.bot({ logLevel: 'info', extraEnv: { APP_ID: '', PRIVATE_KEY: '' } });
  await bot.start();
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

async function get(path: string): Promise<{ status: number; body: string; location: string | null }> {
  const response = await fetch(`http://127.0.0.1:${bot.port}${path}`, { redirect: 'manual' });
  return { status: response.status, body: await response.text(), location: response.headers.get('location') };
}

describe('kkp-gitops serve in setup mode (no APP_ID)', () => {
  it("serves Probot's registration page", async () => {
    expect(await get('/')).toMatchObject({ status: 302, location: '/probot' });
    expect((await get('/probot')).status).toBe(200);
  });

  it('answers /healthz and /metrics, and /readyz with 503 until an app is registered', async () => {
    expect((await get('/healthz')).status).toBe(200);
    const metrics = await get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('kkp_gitops_webhook_deliveries_total');
    const ready = await get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toContain('github');
  });
});
