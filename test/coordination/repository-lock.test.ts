import { beforeAll, describe, expect, it, vi } from 'vitest';
import { readAppliedRecord } from '../../src/coordination/applied-record.js';
import { createCoordination } from '../../src/coordination/coordination.js';
import { leaseNameFor } from '../../src/coordination/lease-name.js';
import type { LeaseStore } from '../../src/coordination/lease-store.js';
import { LockLostError, LockTimeoutError } from '../../src/coordination/lock-errors.js';
import { acquireRepositoryLock, type RepositoryLock } from '../../src/coordination/repository-lock.js';
import { createLeaseStore } from '../../src/kube/lease-client.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { manualClock, type ManualClock } from './manual-clock.js';
import { useSandboxLeases } from './sandbox-leases.js';

/** Real Leases in the sandbox master's `kubermatic` namespace, over client-node; time from a manual clock. */
describe('repository locks on Kubernetes Leases', () => {
  const env = useSandboxLeases();
  let sandbox: Sandbox;
  let store: LeaseStore;
  let counter = 0;
  const repository = () => `acme/repo-${++counter}`;
  const fixed = () => 0.5;

  beforeAll(() => {
    ({ sandbox, store } = env);
  });

  /** The Lease as the emulator stores it (not through the code under test). */
  function liveLease(name: string): { spec: Record<string, unknown>; metadata: Record<string, unknown> } | undefined {
    const api = sandbox.clusters.get('master')!.api;
    return api.find(api.typeOf('coordination.k8s.io/v1', 'Lease')!, 'kubermatic', name) as never;
  }

  /** Lets the code under test reach its next sleep (`sleepers` of them waiting), or finish (`done`). */
  async function untilSleeping(clock: ManualClock, sleepers: number, done: () => boolean = () => false): Promise<void> {
    await vi.waitFor(() => expect(done() || clock.sleepers === sleepers).toBe(true), { timeout: 10_000, interval: 5 });
  }

  it('takes a lock by creating the Lease with its holder, duration, times and no transitions', async () => {
    const clock = manualClock();
    const repo = repository();
    const lock = await acquireRepositoryLock(store, repo, { holderIdentity: 'pod-a-1-aaaa', clock });
    const live = liveLease(leaseNameFor(repo))!;
    expect(live.metadata['namespace']).toBe('kubermatic');
    expect(live.metadata['labels']).toEqual({ 'app.kubernetes.io/managed-by': 'kkp-gitops', 'gitops.kkp.dev/lock': 'repository' });
    expect(live.spec).toMatchObject({ holderIdentity: 'pod-a-1-aaaa', leaseDurationSeconds: 30, leaseTransitions: 0 });
    expect(new Date(live.spec['acquireTime'] as string).getTime()).toBe(clock.now());
    expect(new Date(live.spec['renewTime'] as string).getTime()).toBe(clock.now());
    expect(lock.held).toBe(true);
    await lock.release();
  });

  it('renews the Lease every third of its duration while held, and clears the holder on release', async () => {
    const clock = manualClock();
    const repo = repository();
    const start = clock.now();
    const lock = await acquireRepositoryLock(store, repo, { holderIdentity: 'pod-a', clock, leaseDurationSeconds: 30 });
    for (const step of [1, 2, 3]) {
      await untilSleeping(clock, 1);
      clock.advance(10_000);
      await vi.waitFor(async () => expect((await store.get(leaseNameFor(repo)))!.renewTime).toBe(start + step * 10_000), { timeout: 10_000 });
    }
    await lock.release();
    const released = liveLease(leaseNameFor(repo))!;
    expect(released.spec['holderIdentity']).toBeUndefined();
    expect(released.spec['leaseTransitions']).toBe(0);
    expect(lock.held).toBe(false);
    expect(lock.signal.aborted).toBe(true);
    expect(clock.sleepers).toBe(0);
  });

  it('makes a second holder wait while the first renews, then report the holder when its wait bound is reached', async () => {
    const clock = manualClock();
    const repo = repository();
    const first = await acquireRepositoryLock(store, repo, { holderIdentity: 'pod-a', clock });
    let settled = false;
    const second = acquireRepositoryLock(store, repo, { holderIdentity: 'pod-b', clock, waitTimeoutMs: 60_000, random: fixed });
    second.then(
      () => (settled = true),
      () => (settled = true),
    );
    // Renewals (pod-a) and polls (pod-b) for as long as pod-b waits: the lease never expires, pod-b never gets it.
    const start = clock.now();
    while (!settled && clock.now() - start <= 90_000) {
      await untilSleeping(clock, 2, () => settled);
      if (!settled) clock.advance(1_000);
    }
    expect(clock.now() - start).toBeGreaterThanOrEqual(60_000);
    await expect(second).rejects.toBeInstanceOf(LockTimeoutError);
    await expect(second).rejects.toMatchObject({ holder: 'pod-a', lease: leaseNameFor(repo) });
    expect(liveLease(leaseNameFor(repo))!.spec['holderIdentity']).toBe('pod-a');
    expect(first.held).toBe(true);
    await first.release();
  });

  it('takes over a Lease whose holder stopped renewing only once renewTime + duration has passed', async () => {
    const clock = manualClock();
    const repo = repository();
    const name = leaseNameFor(repo);
    // A process that died holding the lock: its Lease, renewed for the last time now.
    await store.create({ name, labels: {}, annotations: {}, holderIdentity: 'dead-pod', leaseDurationSeconds: 30, acquireTime: clock.now(), renewTime: clock.now(), leaseTransitions: 2 });
    let taken: RepositoryLock | undefined;
    const waiting = acquireRepositoryLock(store, repo, { holderIdentity: 'pod-b', clock, random: fixed, pollMaxMs: 2_000 }).then((lock) => (taken = lock));
    const diedAt = clock.now();
    while (clock.now() < diedAt + 29_500) {
      await untilSleeping(clock, 1);
      expect(taken).toBeUndefined();
      expect(liveLease(name)!.spec['holderIdentity']).toBe('dead-pod');
      clock.advance(500);
    }
    while (!taken) {
      await untilSleeping(clock, 1, () => taken !== undefined);
      if (!taken) clock.advance(500);
    }
    const lock = await waiting;
    expect(clock.now()).toBeGreaterThanOrEqual(diedAt + 30_000);
    expect(lock.tookOverFrom).toBe('dead-pod');
    expect(liveLease(name)!.spec).toMatchObject({ holderIdentity: 'pod-b', leaseTransitions: 3 });
    await lock.release();
  });

  it('loses the lock when another holder took the Lease over, and then refuses to write the record', async () => {
    const clock = manualClock();
    const repo = repository();
    const name = leaseNameFor(repo);
    const lost: LockLostError[] = [];
    const lock = await acquireRepositoryLock(store, repo, { holderIdentity: 'pod-a', clock, onLost: (e) => lost.push(e) });
    const current = (await store.get(name))!;
    await store.replace({ ...current, holderIdentity: 'pod-b', renewTime: clock.now() }, current.resourceVersion);
    await untilSleeping(clock, 1);
    clock.advance(10_000);
    await vi.waitFor(() => expect(lock.held).toBe(false), { timeout: 10_000 });
    expect(lost).toHaveLength(1);
    expect(lock.signal.aborted).toBe(true);
    await expect(lock.updateRecord(() => ({ repository: repo, deployments: [] }))).rejects.toBeInstanceOf(LockLostError);
    await lock.release();
    expect(liveLease(name)!.spec['holderIdentity']).toBe('pod-b');
  });

  it('keeps the applied-commit record on the Lease when its writer dies, for the next holder to read', async () => {
    const repo = repository();
    const name = leaseNameFor(repo);
    // Two processes: each its own client, identity and clock; the first never advances again (it died).
    const deadClock = manualClock();
    const dead = createCoordination({ leases: createLeaseStore({ kubeconfig: sandbox.kubeconfigYaml }), holderIdentity: 'pod-dead', clock: deadClock });
    const lock = await acquireRepositoryLock(dead.leases, repo, { holderIdentity: dead.holderIdentity, clock: deadClock });
    await lock.updateRecord(() => ({ repository: repo, installationId: 7, defaultBranch: 'main', appliedCommit: 'a'.repeat(40), applyingCommit: 'b'.repeat(40), applyingHolder: 'pod-dead', deployments: [11, 12] }));
    await lock.updateRecord((current) => ({ ...current!, deployments: [...current!.deployments, 13] }));

    const clock = manualClock();
    const next = createCoordination({ leases: createLeaseStore({ kubeconfig: sandbox.kubeconfigYaml }), holderIdentity: 'pod-next', clock, lock: { random: fixed } });
    expect((await next.records()).find((r) => r.record.repository === repo)).toEqual({
      holder: 'pod-dead',
      record: { repository: repo, installationId: 7, defaultBranch: 'main', appliedCommit: 'a'.repeat(40), applyingCommit: 'b'.repeat(40), applyingHolder: 'pod-dead', deployments: [11, 12, 13] },
    });
    let seen: ReturnType<typeof readAppliedRecord>;
    let tookOverFrom: string | undefined;
    let done = false;
    const running = next
      .withLock(repo, async (held) => {
        seen = held.record;
        tookOverFrom = held.tookOverFrom;
      })
      .finally(() => (done = true));
    while (!done) {
      await untilSleeping(clock, 1, () => done);
      if (!done) clock.advance(1_000);
    }
    await running;
    expect(tookOverFrom).toBe('pod-dead');
    expect(seen!).toMatchObject({ appliedCommit: 'a'.repeat(40), applyingCommit: 'b'.repeat(40), deployments: [11, 12, 13] });
    // Released by withLock; the record stays.
    const after = (await store.get(name))!;
    expect(after.holderIdentity).toBeUndefined();
    expect(readAppliedRecord(after)?.appliedCommit).toBe('a'.repeat(40));
    await lock.release();
    expect((await store.get(name))!.holderIdentity).toBeUndefined();
  });
});
