import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { installGracefulShutdown, type GracefulShutdown, type GracefulShutdownOptions } from '../../src/observability/graceful-shutdown.js';
import { startServer, stopServer } from './http-helpers.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Resolves once `condition()` holds, checking after each turn of the event loop. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

const installed: GracefulShutdown[] = [];
let server: Server | undefined;
afterEach(async () => {
  installed.splice(0).forEach((shutdown) => shutdown.uninstall());
  if (server?.listening) await stopServer(server);
  server = undefined;
});

async function setUp(overrides: Partial<GracefulShutdownOptions> = {}) {
  const started = await startServer(async (_req, res) => {
    res.end('ok');
    return true;
  });
  server = started.server;
  const steps: string[] = [];
  const exits: number[] = [];
  const signals = new EventEmitter();
  const drainGate = deferred();
  const shutdown = installGracefulShutdown({
    server: started.server,
    markNotReady: () => steps.push('not-ready'),
    drain: async () => {
      steps.push(`drain started (server listening: ${started.server.listening})`);
      await drainGate.promise;
      steps.push('drained');
    },
    releaseLocks: async () => {
      steps.push('locks released');
    },
    timeoutMs: 60_000,
    process: signals,
    exit: (code) => {
      steps.push(`exit ${code}`);
      exits.push(code);
    },
    ...overrides,
  });
  installed.push(shutdown);
  return { url: started.url, steps, exits, signals, drainGate, shutdown };
}

describe('graceful shutdown', () => {
  it('on SIGTERM stops taking connections, drains, releases the locks, then exits 0, in that order', async () => {
    const { url, steps, exits, signals, drainGate, shutdown } = await setUp();
    expect(await (await fetch(url)).text()).toBe('ok');
    signals.emit('SIGTERM', 'SIGTERM');
    expect(shutdown.shuttingDown).toBe(true);
    await until(() => steps.length >= 2);
    expect(steps).toEqual(['not-ready', 'drain started (server listening: false)']);
    await expect(fetch(url)).rejects.toThrow();
    expect(exits).toEqual([]);
    drainGate.resolve();
    await until(() => exits.length > 0);
    expect(steps).toEqual(['not-ready', 'drain started (server listening: false)', 'drained', 'locks released', 'exit 0']);
  });

  it('reacts to SIGINT the same way', async () => {
    const { steps, exits, signals, drainGate } = await setUp();
    drainGate.resolve();
    signals.emit('SIGINT', 'SIGINT');
    await until(() => exits.length > 0);
    expect(steps).toEqual(['not-ready', 'drain started (server listening: false)', 'drained', 'locks released', 'exit 0']);
  });

  it('abandons work that outlives the timeout, still releases the locks, and exits 1', async () => {
    const warnings: string[] = [];
    const { steps, exits, signals } = await setUp({ timeoutMs: 20, log: { info: () => {}, warn: (message) => warnings.push(message) } });
    signals.emit('SIGTERM', 'SIGTERM');
    await until(() => exits.length > 0);
    expect(steps).toEqual(['not-ready', 'drain started (server listening: false)', 'locks released', 'exit 1']);
    expect(warnings.join('\n')).toMatch(/did not finish within 20 ms/);
  });

  it('exits 1 but still exits when releasing the locks fails', async () => {
    const warnings: string[] = [];
    const { exits, signals, drainGate } = await setUp({
      releaseLocks: async () => {
        throw new Error('lease conflict');
      },
      log: { info: () => {}, warn: (message) => warnings.push(message) },
    });
    drainGate.resolve();
    signals.emit('SIGTERM', 'SIGTERM');
    await until(() => exits.length > 0);
    expect(exits).toEqual([1]);
    expect(warnings.join('\n')).toMatch(/releasing locks failed: lease conflict/);
  });

  it('exits at once on a second signal during shutdown', async () => {
    const { steps, exits, signals } = await setUp();
    signals.emit('SIGTERM', 'SIGTERM');
    await until(() => steps.length >= 2);
    signals.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([1]);
    expect(steps).not.toContain('locks released');
  });

  it('runs once however often shutdown is asked for', async () => {
    const { steps, shutdown, drainGate } = await setUp();
    drainGate.resolve();
    const [first, second] = await Promise.all([shutdown.shutdown('test'), shutdown.shutdown('test again')]);
    expect([first, second]).toEqual([0, 0]);
    expect(steps.filter((step) => step === 'locks released')).toHaveLength(1);
  });

  it('stops listening for signals once uninstalled', async () => {
    const { signals, shutdown } = await setUp();
    expect(signals.listenerCount('SIGTERM')).toBe(1);
    shutdown.uninstall();
    expect(signals.listenerCount('SIGTERM')).toBe(0);
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });
});
