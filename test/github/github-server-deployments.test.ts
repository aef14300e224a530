import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Probot, ProbotOctokit } from 'probot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { octokitRepository } from '../../src/github/github-repository.js';
import { startGitHubServer, type GitHubServer } from '../support/github-server/github-server.js';
import { openApiProblems } from '../support/github-server/openapi-conformance.js';
import type { RepositoryRecord } from '../support/github-server/store.js';

describe("the local GitHub server's deployments, as GitHub answers them", () => {
  let gh: GitHubServer;
  let repo: RepositoryRecord;
  let work: string;
  let first: string;
  let second: string;
  const at = { owner: 'acme', repo: 'kkp-config' };

  beforeAll(async () => {
    gh = await startGitHubServer();
    repo = gh.addRepository({ owner: 'acme', name: 'kkp-config' });
    work = mkdtempSync(join(tmpdir(), 'gh-deployments-'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: work, encoding: 'utf8' }).trim();
    git('init', '--quiet', '--initial-branch=main');
    for (const text of ['one', 'two']) {
      writeFileSync(join(work, 'README.md'), `${text}\n`);
      git('add', '.');
      git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--quiet', '-m', text);
    }
    second = git('rev-parse', 'HEAD');
    first = git('rev-parse', 'HEAD~1');
    git('branch', 'old', first);
    git('push', '--quiet', repo.gitDir, 'main', 'old');
  });

  afterAll(async () => {
    await gh?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const octokit = () => new Probot({ appId: gh.app.appId, privateKey: gh.app.privateKey, baseUrl: gh.apiUrl, logLevel: 'fatal', Octokit: ProbotOctokit.defaults((o: Record<string, unknown>) => ({ ...o, throttle: { ...(o['throttle'] as object), enabled: false } })) }).auth(repo.installationId);

  it('answers 409 while a required context (by default: every context of the ref) is not successful', async () => {
    const o = await octokit();
    await o.rest.repos.createCommitStatus({ ...at, sha: second, state: 'failure', context: 'ci' });
    // Octokit's retry plugin would try a 409 again: once is enough here.
    const refused = await o.rest.repos.createDeployment({ ...at, ref: second, environment: 'kkp/master', auto_merge: false, request: { retries: 0 } }).catch((e: { status: number; response: { data: { message: string } } }) => e);
    expect(refused).toMatchObject({ status: 409, response: { data: { message: `Conflict: Commit status checks failed for ${second}.` } } });
    const created = await o.rest.repos.createDeployment({ ...at, ref: second, environment: 'kkp/master', auto_merge: false, required_contexts: [] });
    expect(created.status).toBe(201);
  });

  it('answers 202 with a message, and creates nothing, for a ref behind the default branch with auto_merge', async () => {
    const o = await octokit();
    const before = gh.store.deployments.length;
    const merged = await o.rest.repos.createDeployment({ ...at, ref: 'old', environment: 'kkp/master', required_contexts: [] });
    expect(merged).toMatchObject({ status: 202, data: { message: 'Auto-merged main into old on deployment.' } });
    expect(gh.store.deployments.length).toBe(before);
    expect((await o.rest.repos.createDeployment({ ...at, ref: first, environment: 'kkp/master', required_contexts: [], auto_merge: false })).status).toBe(201);
  });

  it("gets a deployment from the app's port whatever the ref's statuses: auto_merge off, no required contexts", async () => {
    const o = await octokit();
    const { data } = await o.rest.repos.get(at);
    const github = octokitRepository(o, data, async () => 'unused');
    await expect(github.createDeployment(second, 'kkp/seed-eu', 'kkp-gitops apply')).resolves.toBeGreaterThan(0);
  });

  it("answered only as GitHub's OpenAPI description allows", () => {
    expect(openApiProblems(gh.requests)).toEqual([]);
  });
});
