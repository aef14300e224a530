/** Fault injection on a virtual cluster: latency, a share of failures, refused connections and recovery. */
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type EmulatedCluster, startEmulator } from '../../src/emulator/start-emulator.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

function get(cluster: EmulatedCluster, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${cluster.url}${path}`, { agent: false }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('fault injection', () => {
  let cluster: EmulatedCluster;
  beforeEach(async () => {
    cluster = await startEmulator({ name: 'seed-x' });
  });
  afterEach(async () => {
    await cluster.stop();
  });

  it('fails exactly the configured share of requests with 503 and logs them as injected', async () => {
    cluster.faults.set({ failureRate: 0.25, failureStatus: 503 });
    const answers = [];
    for (let i = 0; i < 20; i++) answers.push(await get(cluster, '/api/v1/namespaces'));
    const failed = answers.filter((a) => a.status === 503);
    expect(failed).toHaveLength(5);
    expect(failed[0]?.body).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable', code: 503 });
    expect(cluster.requests.filter({ injected: true })).toHaveLength(5);
    expect(cluster.requests.filter({ verb: 'list', resource: 'namespaces', status: 200 })).toHaveLength(15);
  });

  it('answers 429 with Retry-After and 500 as internal errors', async () => {
    cluster.faults.set({ failureRate: 1, failureStatus: 429, retryAfterSeconds: 7 });
    const limited = await get(cluster, '/api/v1/namespaces/default');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('7');
    expect(limited.body).toMatchObject({ reason: 'TooManyRequests', details: { retryAfterSeconds: 7 } });
    cluster.faults.set({ failureStatus: 500 });
    const broken = await get(cluster, '/api/v1/namespaces/default');
    expect(broken.status).toBe(500);
    expect(broken.body['reason']).toBe('InternalError');
    cluster.faults.clear();
    expect((await get(cluster, '/api/v1/namespaces/default')).status).toBe(200);
  });

  it('fails only the verbs it is told to', async () => {
    cluster.faults.set({ failureRate: 1, verbs: ['create', 'patch'] });
    expect((await get(cluster, '/api/v1/namespaces')).status).toBe(200);
    expect(cluster.faults.shouldFail('patch')).toBe(true);
    expect(cluster.faults.shouldFail('get')).toBe(false);
  });

  it('delays answers by the configured latency', async () => {
    cluster.faults.set({ latencyMs: 30 });
    const started = process.hrtime.bigint();
    const answer = await get(cluster, '/version');
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    expect(answer.status).toBe(200);
    expect(elapsedMs).toBeGreaterThanOrEqual(29);
  });

  it('refuses connections while down and serves the same state on the same port when back', async () => {
    await get(cluster, '/version');
    await cluster.faults.refuseConnections();
    expect(cluster.faults.refusingConnections).toBe(true);
    await expect(get(cluster, '/version')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await cluster.faults.acceptConnections();
    const back = await get(cluster, '/api/v1/namespaces/kube-system');
    expect(back.status).toBe(200);
    expect((back.body['metadata'] as { name: string }).name).toBe('kube-system');
  });
});
