/**
 * The webhook endpoint of a real `kkp-gitops serve` process (768 MB heap, as deployed) against hostile requests:
 * oversized bodies are refused with 413 while reading (memory stays flat, the process keeps answering), and a
 * wrongly signed delivery is refused with one short log line that carries no payload.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, type ReliabilityHarness } from '../reliability/reliability-harness.js';
import type { BotProcess } from '../support/bot-process.js';
import { MiB, startDeployedBot } from '../support/deployed-bot.js';
import { deliverWebhook } from '../support/github-server/deliver-webhook.js';

let h: ReliabilityHarness;
let bot: BotProcess;

beforeAll(async () => {
  ({ harness: h, bot } = await startDeployedBot());
}, 180_000);

afterAll(async () => {
  await h?.stop();
});


/** Resident set size and its peak (VmHWM) of the bot, in bytes. */
function memory(): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${bot.pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'mu').exec(status)![1]) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/**
 * POSTs `totalBytes` of JSON-looking bytes in 1 MiB chunks (chunked, or with a `Content-Length` when `declare`),
 * stopping when the server answers; resolves with the status.
 */
function postLarge(totalBytes: number, declare: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(MiB, '[1,');
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
    };
    if (declare) headers['content-length'] = String(totalBytes);
    let answered = false;
    const req = request(bot.webhookUrl, { method: 'POST', headers }, (response) => {
      answered = true;
      response.resume();
      response.once('end', () => {
        req.destroy();
        resolve(response.statusCode ?? 0);
      });
    });
    // The server closes the connection after answering: a write after that fails, which is expected.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    let sent = 0;
    const write = () => {
      while (!answered && sent < totalBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', write);
          return;
        }
      }
      if (!answered) req.end();
    };
    write();
  });
}

describe('the webhook endpoint of kkp-gitops serve', () => {
  it('refuses a 64 MiB streamed body and a declared 256 MiB body with 413, keeps answering /healthz, and its memory stays flat', async () => {
    const before = memory();
    expect(await postLarge(64 * MiB, false)).toBe(413);
    expect(await postLarge(256 * MiB, true)).toBe(413);
    expect(bot.running).toBe(true);
    const health = await fetch(`http://127.0.0.1:${bot.port}/healthz`);
    expect(health.status).toBe(200);
    const after = memory();
    // At most the 25 MB cap is ever held (GitHub's own payload limit), never the whole body.
    expect(after.peak - before.peak).toBeLessThan(100 * MiB);
  }, 120_000);

  it('logs a wrongly signed delivery as one short line without its payload, and answers 400', async () => {
    const marker = 'attacker-controlled-text-'.repeat(300);
    const id = randomUUID();
    const delivery = { ...h.push('0'.repeat(40), h.git('rev-parse', 'HEAD')) };
    const payload = { ...(delivery.payload as object), marker };
    const result = await deliverWebhook(bot.webhookUrl, 'not-the-secret', { ...delivery, payload } as never, id);
    expect(result.status).toBe(400);
    await waitFor(() => bot.output().includes(id), 10_000, () => `no log line with the delivery id in:\n${bot.output(4_000)}`);
    const lines = bot.output().split('\n').filter((line) => line.includes(id));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'webhook delivery refused', delivery: id, event: 'push', reason: 'signature does not match event payload and secret' });
    expect(lines[0]!.length).toBeLessThan(400);
    expect(bot.output()).not.toContain('attacker-controlled-text');
    const metrics = await (await fetch(`http://127.0.0.1:${bot.port}/metrics`)).text();
    expect(metrics).toMatch(/kkp_gitops_webhook_deliveries_total\{[^}]*event="push"[^}]*outcome="rejected"[^}]*\} [1-9]/);
  });

  it('hands a correctly signed delivery to the app and answers 200', async () => {
    const sha = h.git('rev-parse', 'HEAD');
    const result = await h.deliver(bot, h.push('0'.repeat(40), sha));
    expect(result).toMatchObject({ status: 200, body: 'ok\n' });
    await h.waitForDeploy(sha);
  }, 60_000);
});
