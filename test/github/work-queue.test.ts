import { describe, expect, it } from 'vitest';
import { createSeenDeliveries, createWorkQueue } from '../../src/github/work-queue.js';

/** A job that records its start and waits until released. */
function gated(name: string, log: string[]) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return {
    release: () => release(),
    job: async () => {
      log.push(`start ${name}`);
      await gate;
      log.push(`end ${name}`);
    },
  };
}

const quick = (name: string, log: string[]) => async () => void log.push(name);
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('the work queue', () => {
  it('keeps only the newest waiting plan of a pull request', async () => {
    const log: string[] = [];
    const dropped: string[] = [];
    const queue = createWorkQueue({ onError: () => undefined, onDropped: (key, slot) => dropped.push(`${key} ${slot}`) });
    const first = gated('push', log);
    queue.enqueue('acme/kkp', first.job);
    queue.enqueue('acme/kkp', quick('plan #1 @a', log), { coalesce: 'pr:1' });
    queue.enqueue('acme/kkp', quick('plan #1 @b', log), { coalesce: 'pr:1' });
    queue.enqueue('acme/kkp', quick('plan #1 @c', log), { coalesce: 'pr:1' });
    expect(queue.size).toBe(2);
    first.release();
    await queue.idle();
    expect(log).toEqual(['start push', 'end push', 'plan #1 @c']);
    expect(dropped).toEqual(['acme/kkp pr:1', 'acme/kkp pr:1']);
  });

  it('lets the newest plan take its predecessor’s place ahead of other plans', async () => {
    const log: string[] = [];
    const queue = createWorkQueue(() => undefined);
    const first = gated('push', log);
    queue.enqueue('r', first.job);
    queue.enqueue('r', quick('plan #1 @a', log), { coalesce: 'pr:1' });
    queue.enqueue('r', quick('plan #2 @a', log), { coalesce: 'pr:2' });
    queue.enqueue('r', quick('plan #1 @b', log), { coalesce: 'pr:1' });
    first.release();
    await queue.idle();
    expect(log).toEqual(['start push', 'end push', 'plan #1 @b', 'plan #2 @a']);
  });

  it('never moves a plan ahead of a push queued after its predecessor', async () => {
    const log: string[] = [];
    const queue = createWorkQueue(() => undefined);
    const first = gated('push 1', log);
    queue.enqueue('r', first.job);
    queue.enqueue('r', quick('plan #1 @a', log), { coalesce: 'pr:1' });
    queue.enqueue('r', quick('push 2', log));
    queue.enqueue('r', quick('plan #1 @b', log), { coalesce: 'pr:1' });
    first.release();
    await queue.idle();
    expect(log).toEqual(['start push 1', 'end push 1', 'push 2', 'plan #1 @b']);
  });

  it('does not drop a running plan: the newer one waits for it', async () => {
    const log: string[] = [];
    const queue = createWorkQueue(() => undefined);
    const running = gated('plan #1 @a', log);
    queue.enqueue('r', running.job, { coalesce: 'pr:1' });
    await tick();
    queue.enqueue('r', quick('plan #1 @b', log), { coalesce: 'pr:1' });
    running.release();
    await queue.idle();
    expect(log).toEqual(['start plan #1 @a', 'end plan #1 @a', 'plan #1 @b']);
  });

  it('runs pushes of one repository in order and other repositories alongside', async () => {
    const log: string[] = [];
    const queue = createWorkQueue(() => undefined);
    const slow = gated('a1', log);
    queue.enqueue('a', slow.job);
    queue.enqueue('a', quick('a2', log));
    queue.enqueue('b', quick('b1', log));
    await tick();
    expect(log).toEqual(['start a1', 'b1']);
    slow.release();
    await queue.idle();
    expect(log).toEqual(['start a1', 'b1', 'end a1', 'a2']);
  });

  it('goes on after a failed job and reports it with its key', async () => {
    const log: string[] = [];
    const failures: string[] = [];
    const queue = createWorkQueue((error, key) => failures.push(`${key}: ${(error as Error).message}`));
    queue.enqueue('r', async () => {
      throw new Error('boom');
    });
    queue.enqueue('r', quick('after', log));
    await queue.idle();
    expect(failures).toEqual(['r: boom']);
    expect(log).toEqual(['after']);
    expect(queue.size).toBe(0);
  });

  it('reports its size on every entry, drop and exit, ending at 0 once idle', async () => {
    const log: string[] = [];
    const sizes: number[] = [];
    const queue = createWorkQueue({ onError: () => undefined, onSizeChange: (size) => sizes.push(size) });
    const push = gated('push', log);
    queue.enqueue('r', push.job);
    queue.enqueue('r', quick('plan #1 @a', log), { coalesce: 'pr:1' });
    queue.enqueue('r', quick('plan #1 @b', log), { coalesce: 'pr:1' });
    queue.enqueue('other', async () => {
      throw new Error('failed job');
    });
    expect(sizes).toEqual([1, 2, 2, 3]);
    push.release();
    await queue.idle();
    expect(sizes.at(-1)).toBe(0);
    expect(sizes.slice(4)).toEqual([2, 1, 0]);
  });
});

describe('the memory of deliveries', () => {
  it('says a repeated delivery id is not new', () => {
    const seen = createSeenDeliveries();
    expect(['d1', 'd1', 'd2', 'd1'].map((id) => seen.firstTime(id))).toEqual([true, false, true, false]);
  });

  it('forgets an id after its time', () => {
    let now = 0;
    const seen = createSeenDeliveries({ ttlMs: 1000, now: () => now });
    seen.firstTime('d1');
    now = 999;
    expect(seen.firstTime('d1')).toBe(false);
    now = 2000;
    expect(seen.firstTime('d1')).toBe(true);
  });

  it('remembers at most its limit, forgetting the oldest first', () => {
    const seen = createSeenDeliveries({ limit: 2 });
    seen.firstTime('d1');
    seen.firstTime('d2');
    seen.firstTime('d3');
    expect(seen.firstTime('d3')).toBe(false);
    expect(seen.firstTime('d2')).toBe(false);
    expect(seen.firstTime('d1')).toBe(true);
  });
});
