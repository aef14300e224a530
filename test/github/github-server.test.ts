import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Probot, ProbotOctokit } from 'probot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubServer, type GitHubServer } from '../support/github-server/github-server.js';
import type { RepositoryRecord } from '../support/github-server/store.js';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

describe('the local GitHub API server', () => {
  let gh: GitHubServer;
  let repo: RepositoryRecord;
  let work: string;

  beforeAll(async () => {
    gh = await startGitHubServer({ permissions: { checks: 'write', issues: 'write', metadata: 'read', pull_requests: 'read', contents: 'read' } });
    repo = gh.addRepository({ owner: 'acme', name: 'kkp-config' });
    work = mkdtempSync(join(tmpdir(), 'gh-server-test-'));
    git(work, 'init', '--quiet', '--initial-branch=main');
    writeFileSync(join(work, 'README.md'), '# config\n');
    git(work, 'add', '.');
    git(work, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--quiet', '-m', 'first');
    git(work, 'push', '--quiet', repo.gitDir, 'main');
  });

  afterAll(async () => {
    await gh.stop();
    rmSync(work, { recursive: true, force: true });
  });

  /** Probot's own Octokit, with the write throttling (1 s between writes) off so tests stay fast. */
  function probot(throttle = false): Probot {
    const Octokit = throttle ? ProbotOctokit : ProbotOctokit.defaults((options: Record<string, unknown>) => ({ ...options, throttle: { ...(options['throttle'] as object), enabled: false } }));
    return new Probot({ appId: gh.app.appId, privateKey: gh.app.privateKey, baseUrl: gh.apiUrl, logLevel: 'fatal', Octokit });
  }

  it('mints an installation token for the app JWT and accepts it on repository calls', async () => {
    const octokit = await probot().auth(repo.installationId);
    const { data } = await octokit.rest.checks.create({ owner: 'acme', repo: 'kkp-config', name: 'kkp-gitops', head_sha: gh.branchSha(repo, 'main'), status: 'in_progress' });
    expect(data.status).toBe('in_progress');
    const minted = gh.requests.filter((r) => r.route === '/app/installations/{installation_id}/access_tokens');
    expect(minted).toHaveLength(1);
    expect(minted[0]!.auth).toBe('app');
    expect(gh.requests.at(-1)).toMatchObject({ method: 'POST', path: '/repos/acme/kkp-config/check-runs', auth: 'installation', status: 201 });
  });

  it('refuses API calls without an installation token and token minting without the app JWT', async () => {
    const anonymous = await fetch(`${gh.apiUrl}/repos/acme/kkp-config/pulls/1`);
    expect(anonymous.status).toBe(401);
    const forged = await fetch(`${gh.apiUrl}/app/installations/${repo.installationId}/access_tokens`, { method: 'POST', headers: { authorization: 'token ghs_made_up' } });
    expect(forged.status).toBe(401);
  });

  it('answers 403 for a call beyond the permissions the app declares', async () => {
    const octokit = await probot().auth(repo.installationId);
    await expect(octokit.rest.repos.createCommitStatus({ owner: 'acme', repo: 'kkp-config', sha: gh.branchSha(repo, 'main'), state: 'success' })).rejects.toMatchObject({ status: 403 });
  });

  it('rejects a comment over 65,536 characters and a check run update with more than 50 annotations', async () => {
    execFileSync('git', ['-C', repo.gitDir, 'branch', 'feature', 'main']);
    const pr = gh.openPullRequest({ repository: repo, headRef: 'feature' });
    const octokit = await probot().auth(repo.installationId);
    await expect(octokit.rest.issues.createComment({ owner: 'acme', repo: 'kkp-config', issue_number: pr.number, body: 'x'.repeat(65_537) })).rejects.toMatchObject({ status: 422 });
    await octokit.rest.issues.createComment({ owner: 'acme', repo: 'kkp-config', issue_number: pr.number, body: 'x'.repeat(65_536) });
    const { data: run } = await octokit.rest.checks.create({ owner: 'acme', repo: 'kkp-config', name: 'kkp-gitops', head_sha: pr.head.sha });
    const annotation = { path: 'README.md', start_line: 1, end_line: 1, annotation_level: 'failure' as const, message: 'bad' };
    await expect(octokit.rest.checks.update({ owner: 'acme', repo: 'kkp-config', check_run_id: run.id as number, output: { title: 't', summary: 's', annotations: Array(51).fill(annotation) } })).rejects.toMatchObject({ status: 422 });
    await expect(octokit.rest.checks.update({ owner: 'acme', repo: 'kkp-config', check_run_id: run.id as number, output: { title: 't', summary: 's'.repeat(65_536) } })).rejects.toMatchObject({ status: 422 });
  });

  it('answers 404 for a repository outside the installation', async () => {
    const other = gh.addRepository({ owner: 'someone-else', name: 'private-config' });
    const octokit = await probot().auth(repo.installationId);
    expect(other.installationId).not.toBe(repo.installationId);
    await expect(octokit.rest.pulls.get({ owner: 'someone-else', repo: 'private-config', pull_number: 1 })).rejects.toMatchObject({ status: 404 });
  });

  it('serves the repository over smart HTTP to the installation token and to nobody else', async () => {
    const { token } = (await (await probot().auth()).rest.apps.createInstallationAccessToken({ installation_id: repo.installationId })).data;
    const clone = mkdtempSync(join(tmpdir(), 'gh-server-clone-'));
    try {
      const url = new URL(`${gh.url}/acme/kkp-config.git`);
      url.username = 'x-access-token';
      url.password = token;
      // Asynchronously: the server answers from this very process.
      await promisify(execFile)('git', ['clone', '--quiet', '--bare', url.toString(), clone]);
      expect(git(clone, 'rev-parse', 'main')).toBe(gh.branchSha(repo, 'main'));
      url.password = 'ghs_wrong';
      await expect(promisify(execFile)('git', ['ls-remote', url.toString()], { env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } })).rejects.toThrow();
      expect(gh.requests.some((r) => r.route === 'git' && r.status === 401)).toBe(true);
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });

  it('fails a request with a 502 or a secondary rate limit when a fault is switched on', async () => {
    const octokit = await probot(true).auth(repo.installationId);
    gh.injectFault({ path: /\/pulls\/1$/, kind: 'bad-gateway' });
    // Probot's retry plugin rides out a 502.
    const { data } = await octokit.rest.pulls.get({ owner: 'acme', repo: 'kkp-config', pull_number: 1 });
    expect(data.number).toBe(1);
    gh.injectFault({ path: /\/pulls\/1$/, kind: 'secondary-rate-limit', retryAfterSeconds: 7 });
    const limited = await octokit.rest.pulls.get({ owner: 'acme', repo: 'kkp-config', pull_number: 1 }).catch((e: unknown) => e);
    expect(limited).toMatchObject({ status: 403, response: { headers: { 'retry-after': '7' } } });
    const statuses = gh.requests.filter((r) => r.path === '/repos/acme/kkp-config/pulls/1' && r.auth === 'installation').map((r) => r.status);
    expect(statuses).toEqual([502, 200, 403]);
  });
});
