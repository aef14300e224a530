import { describe, expect, it } from 'vitest';
import { backoffDelay, connectionFailure, NOT_TRANSIENT, parseRetryAfter, retry, TRANSIENT, type Transience } from '../../src/shared/retry.js';

class Flaky extends Error {}
class Broken extends Error {}

/** Records the waits instead of sleeping. */
function fakeClock() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

/** Fails with the given errors in turn, then answers `done`. */
function failing(...errors: Error[]) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    run: async () => {
      const error = errors[calls++];
      if (error) throw error;
      return 'done';
    },
  };
}

const classify = (error: unknown): Transience => (error instanceof Flaky ? TRANSIENT : NOT_TRANSIENT);

describe('retry', () => {
  it('answers what the operation answers once a transient failure has passed', async () => {
    const clock = fakeClock();
    const op = failing(new Flaky(), new Flaky());
    await expect(retry(op.run, classify, { sleep: clock.sleep, random: () => 0.5 })).resolves.toBe('done');
    expect(op.calls).toBe(3);
    expect(clock.waits).toHaveLength(2);
  });

  it('throws a permanent error at once, without waiting', async () => {
    const clock = fakeClock();
    const op = failing(new Broken('no'));
    await expect(retry(op.run, classify, { sleep: clock.sleep })).rejects.toBeInstanceOf(Broken);
    expect(op.calls).toBe(1);
    expect(clock.waits).toEqual([]);
  });

  it('gives up after the bound and throws the last error', async () => {
    const clock = fakeClock();
    const last = new Flaky('third');
    const op = failing(new Flaky('first'), new Flaky('second'), last, new Flaky('never reached'));
    await expect(retry(op.run, classify, { attempts: 3, sleep: clock.sleep, random: () => 0 })).rejects.toBe(last);
    expect(op.calls).toBe(3);
    expect(clock.waits).toHaveLength(2);
  });

  it('waits a random share of an exponentially growing, capped ceiling (full jitter)', async () => {
    const clock = fakeClock();
    const op = failing(new Flaky(), new Flaky(), new Flaky(), new Flaky(), new Flaky());
    await retry(op.run, classify, { attempts: 6, baseDelayMs: 100, maxDelayMs: 1000, sleep: clock.sleep, random: () => 0.5 });
    expect(clock.waits).toEqual([50, 100, 200, 400, 500]);
  });

  it('draws every wait from the injected randomness', () => {
    expect(backoffDelay(3, () => 0, { baseDelayMs: 100 })).toBe(0);
    expect(backoffDelay(3, () => 0.999, { baseDelayMs: 100, maxDelayMs: 10_000 })).toBe(799);
    expect(backoffDelay(30, () => 0.999, { baseDelayMs: 100, maxDelayMs: 2_000 })).toBe(1998);
  });

  it('honours the Retry-After the server gave instead of its own backoff', async () => {
    const clock = fakeClock();
    const op = failing(new Flaky());
    await retry(op.run, () => ({ retry: true, afterMs: 3000 }), { sleep: clock.sleep, random: () => 0 });
    expect(clock.waits).toEqual([3000]);
  });

  it('keeps its own backoff when the server asks for less (Retry-After: 0)', async () => {
    const clock = fakeClock();
    const op = failing(new Flaky());
    await retry(op.run, () => ({ retry: true, afterMs: 0 }), { sleep: clock.sleep, random: () => 0.5, baseDelayMs: 100 });
    expect(clock.waits).toEqual([50]);
  });

  it('does not wait longer than the policy allows: a longer Retry-After fails at once', async () => {
    const clock = fakeClock();
    const op = failing(new Flaky('come back in an hour'));
    await expect(retry(op.run, () => ({ retry: true, afterMs: 3_600_000 }), { maxRetryAfterMs: 60_000, sleep: clock.sleep })).rejects.toThrow('come back in an hour');
    expect(clock.waits).toEqual([]);
  });

  it('tells each retry to the observer with the try that failed and the wait', async () => {
    const clock = fakeClock();
    const events: [number, number][] = [];
    const op = failing(new Flaky(), new Flaky());
    await retry(op.run, classify, { sleep: clock.sleep, random: () => 0.5, baseDelayMs: 10, onRetry: (e) => events.push([e.attempt, e.delayMs]) });
    expect(events).toEqual([
      [1, 5],
      [2, 10],
    ]);
  });

  it('tries exactly once when the policy allows one attempt', async () => {
    const op = failing(new Flaky());
    await expect(retry(op.run, classify, { attempts: 1, sleep: fakeClock().sleep })).rejects.toBeInstanceOf(Flaky);
    expect(op.calls).toBe(1);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and nothing else', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('connectionFailure', () => {
  it('finds a broken connection on the error or along its causes', () => {
    expect(connectionFailure(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe('ECONNRESET');
    expect(connectionFailure(new Error('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }))).toBe('ECONNREFUSED');
    expect(connectionFailure(Object.assign(new Error('nope'), { code: 'ENOENT' }))).toBeUndefined();
    expect(connectionFailure('text')).toBeUndefined();
  });
});
