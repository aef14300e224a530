import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Probot } from 'probot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommitNotFoundError, createRepositoryMirrors } from '../../src/github/repository-mirror.js';
import { startGitHubServer, type GitHubServer } from '../support/github-server/github-server.js';
import type { RepositoryRecord } from '../support/github-server/store.js';

describe('the repository mirror', () => {
  let gh: GitHubServer;
  let repo: RepositoryRecord;
  let work: string;
  let cacheDir: string;
  let token: string;
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const commit = (file: string, text: string) => {
    writeFileSync(join(work, file), text);
    git(work, 'add', '.');
    git(work, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--quiet', '-m', file);
    git(work, 'push', '--quiet', repo.gitDir, 'main');
    return git(work, 'rev-parse', 'HEAD');
  };

  beforeAll(async () => {
    gh = await startGitHubServer();
    repo = gh.addRepository({ owner: 'acme', name: 'mirrored' });
    work = mkdtempSync(join(tmpdir(), 'mirror-work-'));
    cacheDir = mkdtempSync(join(tmpdir(), 'mirror-cache-'));
    git(work, 'init', '--quiet', '--initial-branch=main');
    const probot = new Probot({ appId: gh.app.appId, privateKey: gh.app.privateKey, baseUrl: gh.apiUrl, logLevel: 'fatal' });
    token = (await (await probot.auth()).rest.apps.createInstallationAccessToken({ installation_id: repo.installationId })).data.token;
  });

  afterAll(async () => {
    await gh.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('clones once, then fetches only what is new, and never stores the token', async () => {
    const mirrors = createRepositoryMirrors({ cacheDir });
    const first = commit('a.txt', 'one\n');
    const request = { fullName: 'acme/mirrored', cloneUrl: `${gh.url}/acme/mirrored.git`, token, refs: ['refs/heads/main'] };
    const dir = await mirrors.fetch({ ...request, commits: [first] });
    expect(git(dir, 'rev-parse', 'refs/heads/main')).toBe(first);
    const second = commit('b.txt', 'two\n');
    const gitCalls = gh.requests.filter((r) => r.route === 'git').length;
    await mirrors.fetch({ ...request, commits: [second] });
    expect(git(dir, 'rev-parse', 'refs/heads/main')).toBe(second);
    // One ref advertisement and one pack negotiation: an incremental fetch, over the token-checked endpoint.
    const calls = gh.requests.filter((r) => r.route === 'git').slice(gitCalls);
    expect(calls.every((r) => r.status === 200 && r.auth === 'basic')).toBe(true);
    const config = readFileSync(join(dir, 'config'), 'utf8');
    expect(config).not.toContain(token);
    // grep exits 1 when nothing matches: neither the token nor the Basic header made of it is anywhere in the mirror.
    for (const secret of [token, Buffer.from(`x-access-token:${token}`).toString('base64')]) {
      expect(spawnSync('grep', ['-rl', '--binary-files=text', secret, dir]).status).toBe(1);
    }
  });

  it('skips the fetch when skipWhenPresent is set and every wanted commit is in the mirror already', async () => {
    const mirrors = createRepositoryMirrors({ cacheDir });
    const request = { fullName: 'acme/mirrored', cloneUrl: `${gh.url}/acme/mirrored.git`, token, refs: ['refs/heads/main'] };
    const known = commit('c.txt', 'three\n');
    const dir = await mirrors.fetch({ ...request, commits: [known] });
    const gitCalls = () => gh.requests.filter((r) => r.route === 'git').length;
    const before = gitCalls();
    expect(await mirrors.fetch({ ...request, commits: [known], skipWhenPresent: true })).toBe(dir);
    expect(gitCalls()).toBe(before);
    // Without the option the refs are brought up to date as always.
    await mirrors.fetch({ ...request, commits: [known] });
    expect(gitCalls()).toBeGreaterThan(before);
  });

  it('still fetches with skipWhenPresent when a wanted commit is missing', async () => {
    const mirrors = createRepositoryMirrors({ cacheDir });
    const request = { fullName: 'acme/mirrored', cloneUrl: `${gh.url}/acme/mirrored.git`, token, refs: ['refs/heads/main'] };
    const known = git(work, 'rev-parse', 'HEAD');
    const added = commit('d.txt', 'four\n');
    const dir = await mirrors.fetch({ ...request, commits: [known, added], skipWhenPresent: true });
    expect(git(dir, 'rev-parse', 'refs/heads/main')).toBe(added);
  });

  it('fails with CommitNotFoundError when a commit the caller needs is not in the fetched refs', async () => {
    const mirrors = createRepositoryMirrors({ cacheDir });
    await expect(mirrors.fetch({ fullName: 'acme/mirrored', cloneUrl: `${gh.url}/acme/mirrored.git`, token, refs: ['refs/heads/main'], commits: ['0123456789012345678901234567890123456789'] })).rejects.toBeInstanceOf(CommitNotFoundError);
  });

  it('fails without leaking the token when the token is refused', async () => {
    const mirrors = createRepositoryMirrors({ cacheDir });
    const error: unknown = await mirrors.fetch({ fullName: 'acme/mirrored', cloneUrl: `${gh.url}/acme/mirrored.git`, token: 'ghs_not_a_token', refs: ['refs/heads/main'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).not.toContain('ghs_not_a_token');
  });
});
