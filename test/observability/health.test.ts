import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterUnreachableError } from '../../src/core/errors.js';
import { healthHandlers, type HealthOptions } from '../../src/observability/health.js';
import { observabilityRoutes } from '../../src/observability/observability-routes.js';
import { startServer, stopServer } from './http-helpers.js';

let server: Server | undefined;
afterEach(async () => {
  if (server) await stopServer(server);
  server = undefined;
});

async function serve(options: HealthOptions) {
  const health = healthHandlers(options);
  const started = await startServer(observabilityRoutes({ health }));
  server = started.server;
  const get = async (path: string) => {
    const response = await fetch(`${started.url}${path}`);
    return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
  };
  return { health, get };
}

const ok = async () => {};
const never = () => new Promise<void>(() => {});

describe('health endpoints', () => {
  it('answers /healthz with 200 ok without running any check', async () => {
    let calls = 0;
    const { get } = await serve({ checks: { github: async () => void calls++ } });
    expect(await get('/healthz')).toMatchObject({ status: 200, body: 'ok\n' });
    expect(calls).toBe(0);
  });

  it('is ready when every check passes', async () => {
    const { get } = await serve({ checks: { github: ok, master: ok } });
    const response = await get('/readyz');
    expect(response.status).toBe(200);
    expect(response.type).toMatch(/^application\/json/);
    expect(JSON.parse(response.body)).toEqual({ status: 'ready', failing: [], checks: { github: { status: 'ok' }, master: { status: 'ok' } } });
  });

  it('shows notes beside the checks without letting them make the process unready', async () => {
    const { get } = await serve({ checks: { master: ok }, notes: () => ({ kkpCrds: 'none' }) });
    const response = await get('/readyz');
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ status: 'ready', failing: [], checks: { master: { status: 'ok' } }, notes: { kkpCrds: 'none' } });
  });

  it('answers 503 naming the failing check and its kind, without the error message', async () => {
    const failures: string[] = [];
    const { get } = await serve({
      checks: {
        github: ok,
        master: async () => {
          throw new ClusterUnreachableError('master', 'cannot reach https://10.0.0.1:6443 with token ghs_s3cr3t');
        },
      },
      onCheckFailure: (check, error) => failures.push(`${check}: ${(error as Error).message}`),
    });
    const response = await get('/readyz');
    expect(response.status).toBe(503);
    expect(JSON.parse(response.body)).toEqual({
      status: 'not-ready',
      failing: ['master'],
      checks: { github: { status: 'ok' }, master: { status: 'failed', kind: 'cluster-unreachable' } },
    });
    expect(response.body).not.toMatch(/ghs_s3cr3t|10\.0\.0\.1|6443/);
    expect(failures).toEqual(['master: cannot reach https://10.0.0.1:6443 with token ghs_s3cr3t']);
  });

  it('answers 503 when a check does not finish within the timeout', async () => {
    const { get } = await serve({ checks: { github: never, master: ok }, timeoutMs: 20 });
    const response = await get('/readyz');
    expect(response.status).toBe(503);
    expect(JSON.parse(response.body)).toMatchObject({ failing: ['github'], checks: { github: { status: 'timeout' }, master: { status: 'ok' } } });
  });

  it('counts a check that throws synchronously as failed', async () => {
    const { get } = await serve({
      checks: {
        github: () => {
          throw new Error('no installation');
        },
      },
    });
    const response = await get('/readyz');
    expect(response.status).toBe(503);
    expect(JSON.parse(response.body).checks.github).toEqual({ status: 'failed', kind: 'unknown' });
  });

  it('becomes ready again once the failing check recovers', async () => {
    let masterUp = false;
    const { get } = await serve({
      checks: {
        master: async () => {
          if (!masterUp) throw new Error('down');
        },
      },
    });
    expect((await get('/readyz')).status).toBe(503);
    masterUp = true;
    expect((await get('/readyz')).status).toBe(200);
  });

  it('stays not ready after being marked so, without running checks, while /healthz still answers', async () => {
    let calls = 0;
    const { health, get } = await serve({ checks: { github: async () => void calls++ } });
    expect((await get('/readyz')).status).toBe(200);
    health.markNotReady();
    const response = await get('/readyz');
    expect(response.status).toBe(503);
    expect(JSON.parse(response.body)).toEqual({ status: 'shutting-down', failing: [], checks: {} });
    expect(calls).toBe(1);
    expect((await get('/healthz')).status).toBe(200);
  });
});
