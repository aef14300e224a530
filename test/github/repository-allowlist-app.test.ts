import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleWorkTree } from '../support/example-work-tree.js';
import { pullRequestDelivery, pushDelivery } from '../support/github-server/webhook-payloads.js';
import { startAppHarness, type AppHarness } from './app-harness.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('repositories outside the allow-list', () => {
  let h: AppHarness;
  let scratchWork: string | undefined;

  beforeAll(async () => {
    h = await startAppHarness({ repositoryAllowlist: 'acme/kkp-config' });
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
    if (scratchWork) rmSync(scratchWork, { recursive: true, force: true });
  });

  it('answers a push to another repository of the installation with 200 and reads, writes and applies nothing', async () => {
    const scratch = h.gh.addRepository({ owner: 'acme', name: 'scratch' });
    const { work, git } = exampleWorkTree(scratch.gitDir, 'kkp-scratch-');
    scratchWork = work;
    git('add', '-A');
    git('commit', '--quiet', '-m', 'a User mallory {admin: true} would be here');
    git('push', '--quiet', 'origin', 'main');
    const since = h.gh.requests.length;
    const response = await h.deliverAndWait(pushDelivery(h.gh, scratch, 'main', '0'.repeat(40)));
    expect(response.status).toBe(200);
    expect(h.gh.requests.slice(since)).toEqual([]);
    expect(h.gh.store.deployments).toEqual([]);

    const pr = h.gh.openPullRequest({ repository: scratch, headRef: 'main', baseRef: 'main', user: 'mallory' });
    const prResponse = await h.deliverAndWait(pullRequestDelivery(h.gh, pr, 'opened'));
    expect(prResponse.status).toBe(200);
    expect(h.gh.requests.slice(since)).toEqual([]);
  });

  it('still serves the allowed repository', async () => {
    const since = h.gh.requests.length;
    await h.deliverAndWait(pushDelivery(h.gh, h.repo, 'main', '0'.repeat(40)));
    expect(h.gh.requests.slice(since).some((r) => r.path.startsWith('/repos/acme/kkp-config/deployments'))).toBe(true);
  });
});

describe('kkp-gitops serve without KKP_GITOPS_REPOSITORY_ALLOWLIST', () => {
  it('refuses to start, naming the variable, with exit code 2', () => {
    const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', PORT: '0', NO_SMEE_SETUP: 'true' as const };
    const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'kkp-gitops.js'), 'serve'], { env, encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^kkp-gitops serve: KKP_GITOPS_REPOSITORY_ALLOWLIST must name the repositories to serve .*; it is not set\n$/);
  });
});
