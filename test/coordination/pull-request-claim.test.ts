import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createCoordination } from '../../src/coordination/coordination.js';
import { leaseNameFor } from '../../src/coordination/lease-name.js';
import type { LeaseStore } from '../../src/coordination/lease-store.js';
import { newestPullRequestHead, notePullRequestHead, pullRequestLeaseName } from '../../src/coordination/pull-request-claim.js';
import { createLeaseStore } from '../../src/kube/lease-client.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { manualClock } from './manual-clock.js';
import { useSandboxLeases } from './sandbox-leases.js';

const sha = (c: string) => c.repeat(40);

/** Pull requests' Leases in the sandbox master's `kubermatic` namespace, over client-node. */
describe('pull request claims on Kubernetes Leases', () => {
  const env = useSandboxLeases();
  let sandbox: Sandbox;
  let store: LeaseStore;
  let counter = 0;
  const repository = () => `acme/claims-${++counter}`;

  beforeAll(() => {
    ({ sandbox, store } = env);
  });

  it('names each pull request’s Lease as a DNS label of its own, apart from the repository’s', () => {
    const names = [pullRequestLeaseName('acme/kkp', 1), pullRequestLeaseName('acme/kkp', 2), pullRequestLeaseName('acme/other', 1), pullRequestLeaseName('ACME/kkp', 1)];
    expect(new Set(names).size).toBe(3);
    expect(names[0]).toBe(names[3]);
    for (const name of names) expect(name).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
    expect(names).not.toContain(leaseNameFor('acme/kkp'));
  });

  it('keeps the newest head of a pull request on its Lease: a later delivery replaces it, an older one never does', async () => {
    const repo = repository();
    expect(await newestPullRequestHead(store, repo, 7)).toBeUndefined();
    expect(await notePullRequestHead(store, repo, 7, sha('a'), '2030-01-01T10:00:00Z')).toBe(true);
    expect(await notePullRequestHead(store, repo, 7, sha('b'), '2030-01-01T10:05:00Z')).toBe(true);
    // A delivery of the first head that arrives late (its updated_at is older): not the newest.
    expect(await notePullRequestHead(store, repo, 7, sha('a'), '2030-01-01T10:00:00Z')).toBe(false);
    expect(await newestPullRequestHead(store, repo, 7)).toBe(sha('b'));
    // Another replica (its own client) reads the same.
    expect(await newestPullRequestHead(createLeaseStore({ kubeconfig: sandbox.kubeconfigYaml }), repo, 7)).toBe(sha('b'));
    // Other pull requests of the repository are apart.
    expect(await newestPullRequestHead(store, repo, 8)).toBeUndefined();
  });

  it('lets one replica at a time hold a pull request’s claim, the waiter taking it at its release without waiting out its pause', async () => {
    const repo = repository();
    const clock = manualClock();
    const first = createCoordination({ leases: store, holderIdentity: 'replica-a', clock });
    const second = createCoordination({ leases: createLeaseStore({ kubeconfig: sandbox.kubeconfigYaml }), holderIdentity: 'replica-b', clock, lock: { random: () => 0.5 } });
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const a = first.withPullRequestClaim(repo, 3, async () => {
      order.push('a holds');
      await held;
      order.push('a releases');
    });
    await vi.waitFor(() => expect(order).toEqual(['a holds']), { timeout: 10_000, interval: 5 });
    const b = second.withPullRequestClaim(repo, 3, async (claim) => {
      order.push('b holds');
      return claim.tookOverFrom;
    });
    // b polls, then sleeps (its pause: 500 ms); a renews every 10 s: two sleepers, and the clock never moves.
    await vi.waitFor(() => expect(clock.sleepers).toBe(2), { timeout: 10_000, interval: 5 });
    expect(order).toEqual(['a holds']);
    release();
    await a;
    // The Lease's watch wakes b: it holds the claim with the clock still where it was.
    expect(await b).toBeUndefined();
    expect(order).toEqual(['a holds', 'a releases', 'b holds']);
    // Both released; the newest head noted meanwhile would have stayed (the claim keeps other annotations).
    expect((await store.get(pullRequestLeaseName(repo, 3)))?.holderIdentity).toBeUndefined();
  });

  it('deletes a closed pull request’s Lease, but not while a replica holds its claim', async () => {
    const repo = repository();
    const coordination = createCoordination({ leases: store, holderIdentity: 'replica-a', clock: manualClock() });
    await coordination.notePullRequestHead(repo, 5, sha('d'));
    await coordination.withPullRequestClaim(repo, 5, async () => {
      expect(await coordination.forgetPullRequest(repo, 5)).toBe(false);
    });
    expect(await store.get(pullRequestLeaseName(repo, 5))).toBeDefined();
    expect(await coordination.forgetPullRequest(repo, 5)).toBe(true);
    expect(await store.get(pullRequestLeaseName(repo, 5))).toBeUndefined();
    expect(await coordination.forgetPullRequest(repo, 5)).toBe(false);
  });

  it('keeps the annotations others write on the Lease while a replica holds the claim', async () => {
    const repo = repository();
    const clock = manualClock();
    const coordination = createCoordination({ leases: store, holderIdentity: 'replica-a', clock });
    await coordination.withPullRequestClaim(repo, 4, async (claim) => {
      expect(await coordination.notePullRequestHead(repo, 4, sha('c'), '2030-01-01T11:00:00Z')).toBe(true);
      // The holder's next write (a renewal) starts from an older version: it reads again and keeps the head.
      await vi.waitFor(() => expect(clock.sleepers).toBe(1), { timeout: 10_000, interval: 5 });
      clock.advance(10_000);
      await vi.waitFor(async () => expect((await store.get(pullRequestLeaseName(repo, 4)))?.renewTime).toBe(clock.now()), { timeout: 10_000, interval: 5 });
      expect(claim.held).toBe(true);
    });
    expect(await coordination.newestPullRequestHead(repo, 4)).toBe(sha('c'));
    // Not a repository: recovery never sees it.
    expect((await coordination.records()).map((r) => r.record.repository)).not.toContain(repo);
  });
});
