import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORD_ANNOTATIONS, REPOSITORY_LEASE_LABELS } from '../../src/coordination/applied-record.js';
import type { LeaseState } from '../../src/coordination/lease-store.js';
import type { Plan } from '../../src/core/plan/plan.js';
import { observeDelivery, observeResponse } from '../../src/status-page/github-observer.js';
import { statusPageEnabled } from '../../src/status-page/status-page.js';
import { statusPageRoutes } from '../../src/status-page/status-page-routes.js';
import { createStatusRecorder } from '../../src/status-page/status-recorder.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const NOW = Date.parse('2026-12-08T10:00:00Z');

function lease(repository: string, holder: string | undefined, applied: string): LeaseState {
  return {
    name: `kkp-gitops-${repository.replace('/', '-')}`,
    resourceVersion: '1',
    labels: REPOSITORY_LEASE_LABELS,
    annotations: { [RECORD_ANNOTATIONS.repository]: repository, [RECORD_ANNOTATIONS.appliedCommit]: applied, [RECORD_ANNOTATIONS.appliedAt]: '2026-12-08T09:00:00.000Z' },
    ...(holder ? { holderIdentity: holder, acquireTime: NOW - 5_000, renewTime: NOW - 1_000, leaseDurationSeconds: 30 } : {}),
  };
}

function plan(repository: string, commit: string, changes: Array<{ target: string; kind: string; name: string; action: 'create' | 'update' | 'delete' | 'unchanged'; drift?: boolean; destructive?: boolean }>): Plan {
  const targets = [...new Set(changes.map((c) => c.target))];
  return {
    type: 'plan',
    repository,
    commit,
    allowDeletions: false,
    unrendered: [],
    targets: targets.map((target) => ({
      target,
      status: 'ready',
      stages: [{ phase: 'apply', order: 1, kinds: [], changes: changes.filter((c) => c.target === target).map((c) => ({ id: { target, apiVersion: 'kubermatic.k8c.io/v1', kind: c.kind, name: c.name }, action: c.action, diff: [], destructive: c.destructive ?? false, drift: c.drift ?? false, errors: [] })) }],
    })),
  };
}

const recorder = createStatusRecorder(() => 'replica-a');
let leases: LeaseState[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  const routes = statusPageRoutes({ recorder, leases: { list: async () => leases }, now: () => NOW });
  server = createServer((req, res) => void routes(req, res).then((answered) => answered || res.writeHead(404).end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the status page routes', () => {
  it('is off unless KKP_GITOPS_STATUS_PAGE=true, and refuses other values', () => {
    expect([statusPageEnabled({}), statusPageEnabled({ KKP_GITOPS_STATUS_PAGE: 'false' }), statusPageEnabled({ KKP_GITOPS_STATUS_PAGE: 'true' })]).toEqual([false, false, true]);
    expect(() => statusPageEnabled({ KKP_GITOPS_STATUS_PAGE: 'yes' })).toThrow('must be true or false');
  });

  it('shows each repository with its applied commit, lock holder, targets, drift and open pull requests, in HTML and JSON', async () => {
    leases = [lease('acme/kkp-config', 'replica-b', A)];
    observeDelivery(recorder, 'push', { ref: 'refs/heads/main', after: A, repository: { full_name: 'acme/kkp-config', html_url: 'https://github.com/acme/kkp-config', default_branch: 'main' }, head_commit: { message: 'Add seed-us\n\nbody text' } });
    recorder.recordPlan(plan('acme/kkp-config', A, [
      { target: 'master', kind: 'Seed', name: 'seed-eu', action: 'unchanged' },
      { target: 'seed-eu', kind: 'Cluster', name: 'shop', action: 'update', drift: true },
    ]), NOW - 2_000, 1_500);
    observeDelivery(recorder, 'pull_request', { repository: { full_name: 'acme/kkp-config' }, pull_request: { number: 7, state: 'open', html_url: 'https://github.com/acme/kkp-config/pull/7', head: { sha: B, ref: 'more-clusters' } } });
    recorder.recordPlan(plan('acme/kkp-config', B, [
      { target: 'seed-eu', kind: 'Cluster', name: 'new', action: 'create' },
      { target: 'seed-eu', kind: 'Cluster', name: 'old', action: 'delete', destructive: true },
    ]), NOW - 1_000, 500);
    observeResponse(recorder, { method: 'POST', url: '/repos/{owner}/{repo}/issues/{issue_number}/comments', owner: 'acme', repo: 'kkp-config', issue_number: 7 }, { body: '<!-- kkp-gitops:plan -->\nplan with token ghs_secret', html_url: 'https://github.com/acme/kkp-config/pull/7#issuecomment-1', issue_url: 'https://api.github.com/repos/acme/kkp-config/issues/7' });

    const html = await (await fetch(`${base}/repositories/acme/kkp-config`)).text();
    expect(html).toContain('<code><a href="https://github.com/acme/kkp-config/commit/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">aaaaaaa</a></code> Add seed-us');
    expect(html).toContain('<span class="lock-holder">replica-b</span> since <time datetime="2026-12-08T09:59:55.000Z">');
    expect(html).toMatch(/data-target="seed-eu"><td>seed-eu<\/td><td class="applied-commit"><code>aaaaaaa<\/code>/);
    expect(html).toContain('<code>seed-eu: Cluster/shop</code>');
    expect(html).toContain('<span class="plan-counts">1 to create, 0 to update, 1 to delete</span>');
    expect(html).toContain('destructive: <code>delete seed-eu: Cluster/old</code>');
    expect(html).toContain('<a href="https://github.com/acme/kkp-config/pull/7#issuecomment-1">plan comment</a>');
    expect(html).not.toContain('ghs_secret');
    expect(html).not.toContain('body text');

    const json = (await (await fetch(`${base}/repositories/acme/kkp-config?format=json`)).json()) as { repository: { pullRequests: unknown[] } };
    expect(json.repository).toMatchObject({ fullName: 'acme/kkp-config', lock: { holder: 'replica-b', expired: false }, applied: { sha: A, title: 'Add seed-us' } });
    expect(json.repository.pullRequests[0]).toMatchObject({ number: 7, plan: { counts: { create: 1, delete: 1 } } });
    const overview = (await (await fetch(base, { headers: { accept: 'application/json' } })).json()) as { repositories: Array<{ fullName: string }>; reconciles: unknown[] };
    expect(overview.repositories.map((r) => r.fullName)).toEqual(['acme/kkp-config']);
    expect(overview.reconciles[0]).toMatchObject({ kind: 'plan', commit: B, outcome: 'changes', replica: 'replica-a' });
  });

  it('escapes every name and never links anything but http(s)', async () => {
    const evil = 'evil/<script>alert(1)</script>';
    observeDelivery(recorder, 'push', { ref: 'refs/heads/main', after: A, repository: { full_name: evil, html_url: 'javascript:alert(1)', default_branch: 'main' }, head_commit: { message: '<img src=x onerror=alert(1)>' } });
    const html = await (await fetch(base)).text();
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('evil/&lt;script&gt;alert(1)&lt;/script&gt;');
    const page = await fetch(`${base}/repositories/evil/${encodeURIComponent('<script>alert(1)</script>')}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('answers 404 for an unknown repository, 405 for writes, and leaves other paths to other handlers', async () => {
    expect((await fetch(`${base}/repositories/acme/unknown`)).status).toBe(404);
    expect((await fetch(base, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
  });

  it('keeps the last 50 reconciles only', () => {
    const small = createStatusRecorder(() => 'r');
    for (let i = 0; i < 120; i++) small.recordFailure('acme/x', 'apply', NOW + i, 1);
    expect(small.reconciles()).toHaveLength(50);
    expect(small.reconciles()[0]?.startedAt).toBe(new Date(NOW + 119).toISOString());
  });

  it('renders without the Lease records, saying why, when the master does not answer', async () => {
    const routes = statusPageRoutes({ recorder, leases: { list: () => new Promise(() => undefined) }, leaseTimeoutMs: 50, now: () => NOW });
    const other = createServer((req, res) => void routes(req, res));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const html = await (await fetch(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`)).text();
      expect(html).toContain('The Lease records could not be read: no answer within 50 ms');
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });
});
