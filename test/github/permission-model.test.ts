import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CHECK_NAME } from '../../src/github/app-deps.js';
import { ALLOWANCE_CONTEXT } from '../../src/github/deletion-allowance.js';
import { DRIFT_CHECK } from '../../src/github/drift/drift-check-run.js';
import { exampleWorkTree } from '../support/example-work-tree.js';
import { checkRunRerequestedDelivery, checkSuiteRerequestedDelivery, installationDelivery, installationRepositoriesDelivery, issueCommentDelivery, pullRequestDelivery, pushDelivery } from '../support/github-server/webhook-payloads.js';
import type { PullRequestRecord, RepositoryRecord } from '../support/github-server/store.js';
import { openApiProblems } from '../support/github-server/openapi-conformance.js';
import { startAppHarness, type AppHarness } from './app-harness.js';

const VICTIM = 'projects/platform5x/clusters/ci-runners-eu.yaml';

describe("GitHub's permission model", () => {
  let h: AppHarness;
  let pr: PullRequestRecord;
  const scratch: string[] = [];

  beforeAll(async () => {
    h = await startAppHarness({ repositoryAllowlist: 'acme/kkp-config,acme/fleet-*' });
    await h.deliverAndWait(pushDelivery(h.gh, h.repo, 'main', '0'.repeat(40)));
    h.git('checkout', '--quiet', '-B', 'drop-ci', 'main');
    rmSync(join(h.work, VICTIM));
    for (const key of h.git('ls-files', 'projects/*/ssh-keys/*.yaml').split('\n')) {
      const path = join(h.work, key);
      const text = readFileSync(path, 'utf8');
      const edited = text.replace(/clusters: \[(.*)\]/, (_m, list: string) => `clusters: [${list.split(',').map((c) => c.trim()).filter((c) => c !== 'ci-runners-eu').join(', ')}]`);
      if (edited !== text) writeFileSync(path, edited);
    }
    h.commitAll('drop ci-runners-eu');
    h.git('push', '--quiet', '--force', 'origin', 'drop-ci');
    pr = h.gh.openPullRequest({ repository: h.repo, headRef: 'drop-ci', user: 'alice' });
    await h.deliverAndWait(pullRequestDelivery(h.gh, pr, 'opened'));
  }, 120_000);

  afterAll(async () => {
    await h?.stop();
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  });

  const reactionsOn = (id: number) => h.gh.store.reactions.filter((r) => r.subject === 'issue_comment' && r.subjectId === id).map((r) => r.content);
  const lastReply = () => h.gh.store.commentsOn(pr.repositoryId, pr.number).at(-1)!.body;
  const allowances = () => h.gh.store.statuses.filter((s) => s.context === ALLOWANCE_CONTEXT && s.sha === pr.head.sha);

  it('refuses a custom role named like a base role when it is based on read (the base permission decides)', async () => {
    h.gh.setPermission(h.repo, 'trixie', 'read', 'admin');
    const delivery = issueCommentDelivery(h.gh, pr, 'trixie', '/kkp allow-deletions');
    await h.deliverAndWait(delivery);
    expect(reactionsOn((delivery.payload['comment'] as { id: number }).id)).toEqual(['confused']);
    expect(lastReply()).toMatch(/@trixie .*needs write, maintain or admin permission.*you have read/);
    expect(allowances()).toEqual([]);
  });

  it('refuses someone who is no collaborator (GitHub answers 404) with a reply, not a failure', async () => {
    h.gh.store.user('nobody');
    const delivery = issueCommentDelivery(h.gh, pr, 'nobody', '/kkp allow-deletions');
    await h.deliverAndWait(delivery);
    expect(reactionsOn((delivery.payload['comment'] as { id: number }).id)).toEqual(['confused']);
    expect(lastReply()).toMatch(/@nobody .*needs write, maintain or admin permission.*you have none/);
    expect(h.gh.requests.some((r) => r.path === '/repos/acme/kkp-config/collaborators/nobody/permission' && r.status === 404)).toBe(true);
    expect(allowances()).toEqual([]);
  });

  it('accepts a custom repository role based on write, whatever its name', async () => {
    h.gh.setPermission(h.repo, 'kora', 'write', 'kkp-operator');
    const delivery = issueCommentDelivery(h.gh, pr, 'kora', '/kkp allow-deletions');
    await h.deliverAndWait(delivery);
    expect(reactionsOn((delivery.payload['comment'] as { id: number }).id)).toEqual(['+1']);
    expect(allowances().map((s) => s.state)).toEqual(['success']);
  });

  it('finds the allowance beyond the first hundred commit statuses of the head', async () => {
    const ci = h.gh.store.user('ci-bot');
    for (let i = 0; i < 120; i++) {
      h.gh.store.statuses.push({ id: h.gh.store.nextId(), repositoryId: h.repo.id, sha: pr.head.sha, state: 'success', context: `ci/job-${i}`, description: null, targetUrl: null, creator: ci, createdAt: new Date().toISOString() });
    }
    await h.deliverAndWait(issueCommentDelivery(h.gh, pr, 'alice', '/kkp plan'));
    const plan = h.gh.store.commentsOn(pr.repositoryId, pr.number).find((c) => c.body.includes('<!-- kkp-gitops:plan'))!;
    expect(plan.body).toContain('will run on merge');
  });

  it('re-plans the head on "Re-run all checks" (check_suite.rerequested)', async () => {
    const runs = () => h.gh.store.checkRuns.filter((r) => r.headSha === pr.head.sha && r.name === CHECK_NAME);
    const before = runs().length;
    const response = await h.deliverAndWait(checkSuiteRerequestedDelivery(h.gh, runs().at(-1)!));
    expect(response.status).toBe(200);
    expect(runs().length).toBe(before + 1);
    expect(runs().at(-1)).toMatchObject({ status: 'completed' });
  });

  it('runs a drift pass when the kkp-gitops/drift check is re-run, reporting even an unchanged finding', async () => {
    await h.app.checkDrift();
    const drifts = () => h.gh.store.checkRuns.filter((r) => r.name === DRIFT_CHECK);
    const before = drifts().length;
    expect(before).toBeGreaterThan(0);
    await h.deliverAndWait(checkRunRerequestedDelivery(h.gh, drifts().at(-1)!));
    expect(drifts().length).toBe(before + 1);
    expect(drifts().at(-1)).toMatchObject({ status: 'completed', conclusion: 'success', headSha: h.gh.branchSha(h.repo, 'main') });
  });

  it('links every deployment status to where its outcome is told (log_url: the commit, for a direct push)', () => {
    const statuses = h.gh.store.deployments.flatMap((d) => d.statuses);
    expect(statuses.length).toBeGreaterThan(0);
    // The first apply was a direct push: its statuses link the commit.
    for (const s of statuses) expect(s.logUrl).toBe(`${h.gh.url}/acme/kkp-config/commit/${h.gh.store.deployments.find((d) => d.statuses.includes(s))!.sha}`);
  });

  it("links a merged pull request's deployments to it (log_url), and the master's to the KKP dashboard (environment_url)", async () => {
    h.git('checkout', '--quiet', '-B', 'dashboard', 'main');
    const file = join(h.work, 'kubermatic-configuration.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^spec:\n/m, 'spec:\n  ingress:\n    domain: kkp.example.com\n'));
    h.commitAll('dashboard domain');
    h.git('push', '--quiet', 'origin', 'dashboard');
    const dashboard = h.gh.openPullRequest({ repository: h.repo, headRef: 'dashboard', user: 'alice' });
    const before = h.gh.branchSha(h.repo, 'main');
    h.git('checkout', '--quiet', 'main');
    h.git('merge', '--quiet', '--no-ff', '-m', 'Merge dashboard', 'dashboard');
    h.git('push', '--quiet', 'origin', 'main');
    const after = h.gh.branchSha(h.repo, 'main');
    h.gh.markMerged(dashboard, after);
    await h.deliverAndWait(pushDelivery(h.gh, h.repo, 'main', before));
    const deployments = h.gh.store.deployments.filter((d) => d.sha === after);
    expect(deployments.map((d) => d.environment).sort()).toEqual(['kkp/master', 'kkp/seed-eu', 'kkp/seed-us']);
    for (const d of deployments) {
      expect(d.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
      for (const s of d.statuses) {
        expect(s.logUrl).toBe(`${h.gh.url}/acme/kkp-config/pull/${dashboard.number}`);
        expect(s.environmentUrl).toBe(d.environment === 'kkp/master' ? 'https://kkp.example.com' : '');
      }
    }
  });

  it('knows a repository added to the installation at once: recovery applies it and drift checks it, before any push', async () => {
    const fleet = h.gh.addRepository({ owner: 'acme', name: 'fleet-eu' });
    const other = h.gh.addRepository({ owner: 'acme', name: 'scratch' });
    const { work, git } = exampleWorkTree(fleet.gitDir, 'kkp-fleet-');
    scratch.push(work);
    const file = join(work, 'kkp-gitops.yaml');
    const config = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify(config));
    git('add', '-A');
    git('commit', '--quiet', '-m', 'fleet');
    git('push', '--quiet', 'origin', 'main');
    const since = h.gh.requests.length;
    await h.deliverAndWait(installationRepositoriesDelivery(h.gh, 'added', [fleet, other]));
    await h.app.recover();
    await h.app.idle();
    expect(h.gh.store.deployments.some((d) => d.repositoryId === fleet.id)).toBe(true);
    expect(h.gh.requests.slice(since).filter((r) => r.path.startsWith('/repos/acme/scratch'))).toEqual([]);
    const reports = await h.app.checkDrift();
    expect(reports.map((r) => r.repository)).toContain('acme/fleet-eu');
    expect(reports.map((r) => r.repository)).not.toContain('acme/scratch');
  });

  /** A new repository of acme's installation (or of `installationId`) whose main holds the example. */
  function exampleRepository(name: string, installationId?: number): RepositoryRecord {
    const repository = h.gh.addRepository({ owner: 'acme', name, ...(installationId !== undefined ? { installationId } : {}) });
    const { work, git } = exampleWorkTree(repository.gitDir, `kkp-${name}-`);
    scratch.push(work);
    git('add', '-A');
    git('commit', '--quiet', '-m', name);
    git('push', '--quiet', 'origin', 'main');
    return repository;
  }

  it('knows the repositories of a new installation at once: recovery applies them and drift checks them', async () => {
    const fleet = exampleRepository('fleet-us');
    await h.deliverAndWait(installationDelivery(h.gh, 'created', [fleet]));
    await h.app.idle();
    expect(h.gh.store.deployments.some((d) => d.repositoryId === fleet.id)).toBe(true);
    expect((await h.app.checkDrift()).map((r) => r.repository)).toContain('acme/fleet-us');
  });

  it('forgets a repository removed from the installation: no recovery, no drift check, and its deliveries are ignored', async () => {
    const fleet = h.gh.store.repository('acme', 'fleet-eu')!;
    expect(h.gh.store.deployments.some((d) => d.repositoryId === fleet.id)).toBe(true);
    await h.deliverAndWait(installationRepositoriesDelivery(h.gh, 'removed', [fleet]));
    const since = h.gh.requests.length;
    const deployments = () => h.gh.store.deployments.filter((d) => d.repositoryId === fleet.id).length;
    const deployed = deployments();
    // Its record on the Lease still names it; a new commit on its main and a (re)delivered push are not served.
    const { work, git } = exampleWorkTree(fleet.gitDir, 'kkp-fleet-removed-');
    scratch.push(work);
    git('fetch', '--quiet', 'origin', 'main');
    git('reset', '--quiet', '--hard', 'FETCH_HEAD');
    const before = git('rev-parse', 'HEAD');
    git('commit', '--quiet', '--allow-empty', '-m', 'after removal');
    git('push', '--quiet', 'origin', 'main');
    const push = await h.deliverAndWait(pushDelivery(h.gh, fleet, 'main', before));
    expect(push.status).toBe(200);
    await h.app.recover();
    await h.app.idle();
    expect((await h.app.checkDrift()).map((r) => r.repository)).not.toContain('acme/fleet-eu');
    expect(h.gh.requests.slice(since).filter((r) => r.path.startsWith('/repos/acme/fleet-eu'))).toEqual([]);
    expect(deployments()).toBe(deployed);
  });

  it('forgets every repository of a deleted installation, and knows them again when the app is installed again', async () => {
    const solo = exampleRepository('fleet-ap', 4242);
    await h.deliverAndWait(installationDelivery(h.gh, 'created', [solo]));
    await h.app.idle();
    expect((await h.app.checkDrift()).map((r) => r.repository)).toContain('acme/fleet-ap');
    await h.deliverAndWait(installationDelivery(h.gh, 'deleted', [solo]));
    const since = h.gh.requests.length;
    await h.app.recover();
    await h.app.idle();
    expect((await h.app.checkDrift()).map((r) => r.repository)).not.toContain('acme/fleet-ap');
    expect(h.gh.requests.slice(since).filter((r) => r.path.startsWith('/repos/acme/fleet-ap'))).toEqual([]);
    // The other installation's repositories are still served.
    expect((await h.app.checkDrift()).map((r) => r.repository)).toContain('acme/kkp-config');
    await h.deliverAndWait(installationDelivery(h.gh, 'created', [solo]));
    await h.app.idle();
    expect((await h.app.checkDrift()).map((r) => r.repository)).toContain('acme/fleet-ap');
  });

  it("sent only requests GitHub's OpenAPI description documents, and got only answers it allows", () => {
    const routes = new Set(h.gh.requests.map((r) => `${r.method} ${r.route}`));
    expect(routes.size).toBeGreaterThan(12);
    expect(openApiProblems(h.gh.requests)).toEqual([]);
  });
});
