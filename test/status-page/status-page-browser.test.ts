/**
 * The status page in a real browser (Debian's chromium, driven by playwright-core; nothing is downloaded): the real
 * bot (`kkp-gitops serve`, KKP_GITOPS_STATUS_PAGE=true) against the local GitHub server and the sandbox applies a
 * merged pull request and plans an open one; the page shows the applied commit per target, the open pull request's
 * plan counts and the lock holder. A screenshot goes to test-output/status-page/ (gitignored).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoordination } from '../../src/coordination/coordination.js';
import { createLeaseStore } from '../../src/kube/lease-client.js';
import { CLUSTER_FILE, startReliabilityHarness, waitFor, type ReliabilityHarness } from '../reliability/reliability-harness.js';
import type { BotProcess } from '../support/bot-process.js';
import { ensureBuilt } from '../support/bot-process.js';
import { pullRequestDelivery } from '../support/github-server/webhook-payloads.js';

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = join(import.meta.dirname, '..', '..', 'test-output', 'status-page');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let h: ReliabilityHarness;
let bot: BotProcess;
let browser: BrowserContext | undefined;
let profile: string;

beforeAll(async () => {
  await ensureBuilt();
  h = await startReliabilityHarness();
  bot = h.bot({ extraEnv: { KKP_GITOPS_STATUS_PAGE: 'true', KKP_GITOPS_DRIFT_INTERVAL_SECONDS: '0' } });
  await bot.start();
  profile = mkdtempSync(join(tmpdir(), 'kkp-chromium-profile-'));
  browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await h?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

const pageUrl = () => `http://127.0.0.1:${bot.port}/repositories/acme/kkp-config`;

async function statusJson(): Promise<{ repository: { pullRequests: Array<{ number: number; plan?: { counts: Record<string, number> } }>; targets: Array<{ target: string; appliedCommit?: string }> } }> {
  const response = await fetch(`${pageUrl()}?format=json`);
  return (await response.json()) as never;
}

describe.skipIf(!existsSync(CHROMIUM))('the status page in chromium', () => {
  it('shows the applied commit per target, the open pull request plan counts and the lock holder', async () => {
    // The first configuration, then a merged pull request on top of it.
    const first = h.git('rev-parse', 'HEAD');
    await h.deliver(bot, h.push('0'.repeat(40), first));
    await h.waitForDeploy(first, 60_000);

    h.git('checkout', '--quiet', '-B', 'staging-rename', 'main');
    h.edit(CLUSTER_FILE, /humanReadableName: .*/, 'humanReadableName: Shop staging (renamed)');
    h.git('add', '-A');
    h.git('commit', '--quiet', '-m', 'Rename the staging cluster');
    h.git('push', '--quiet', '--force', 'origin', 'staging-rename');
    const merged = h.gh.openPullRequest({ repository: h.repo, headRef: 'staging-rename', user: 'alice' });
    h.git('checkout', '--quiet', 'main');
    h.git('merge', '--quiet', '--no-ff', '-m', `Merge pull request #${merged.number}`, 'staging-rename');
    h.git('push', '--quiet', 'origin', 'main');
    const applied = h.git('rev-parse', 'HEAD');
    h.gh.markMerged(merged, applied);
    await h.deliver(bot, h.push(first, applied));
    await h.waitForDeploy(applied, 60_000);

    // An open pull request that renames the cluster again, planned by the bot.
    const open = h.openPullRequest('more-clusters', () => h.edit(CLUSTER_FILE, /humanReadableName: .*/, 'humanReadableName: Shop staging (again)'));
    await h.deliver(bot, pullRequestDelivery(h.gh, open, 'opened'));
    await waitFor(
      async () => (await statusJson()).repository.pullRequests.some((p) => p.number === open.number && p.plan !== undefined),
      60_000,
      () => `no plan of #${open.number} on the status page\n${bot.output(4_000)}`,
    );
    await waitFor(
      async () => (await statusJson()).repository.targets.filter((t) => t.appliedCommit === applied).length === 1 + h.sandbox.seeds.length,
      30_000,
      () => `targets not at ${applied.slice(0, 7)}\n${bot.output(4_000)}`,
    );

    // Another replica holds the repository's lock while the page is looked at.
    const coordination = createCoordination({ leases: createLeaseStore({ kubeconfig: h.sandbox.kubeconfigYaml, context: 'master' }), holderIdentity: 'replica-b-in-the-browser-test' });
    await coordination.withLock(h.repo.fullName, async () => {
      const page = await browser!.newPage();
      try {
        await page.goto(pageUrl());
        for (const target of ['master', ...h.sandbox.seeds]) {
          expect(await page.locator(`tr[data-target="${target}"] td.applied-commit`).innerText()).toBe(applied.slice(0, 7));
        }
        const plan = await page.locator(`tr[data-pull-request="${open.number}"] .plan-counts`).innerText();
        expect(plan).toBe('0 to create, 1 to update, 0 to delete');
        expect(await page.locator('.lock-holder').innerText()).toBe('replica-b-in-the-browser-test');
        expect(await page.locator('body').innerText()).toContain(`merged from #${merged.number}`);
        mkdirSync(OUTPUT, { recursive: true });
        await page.screenshot({ path: join(OUTPUT, 'repository.png'), fullPage: true });

        await page.goto(`http://127.0.0.1:${bot.port}/`);
        expect(await page.locator('table.repositories').innerText()).toContain('acme/kkp-config');
        await page.screenshot({ path: join(OUTPUT, 'overview.png'), fullPage: true });
      } finally {
        await page.close();
      }
    });
    expect(existsSync(join(OUTPUT, 'repository.png'))).toBe(true);
  }, 240_000);
});
