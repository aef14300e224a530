/** The CRD drift warning as a pull request shows it: the master runs another KKP release than the repository selects. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestDelivery } from '../support/github-server/webhook-payloads.js';
import { startAppHarness, type AppHarness } from './app-harness.js';

describe("a pull request's plan against a master with another release's CRDs", () => {
  let h: AppHarness;

  beforeAll(async () => {
    h = await startAppHarness({ kkpVersion: 'v2.30' });
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
  });

  it('warns in the plan comment and on the check run, naming the CRDs that differ, without failing the check', async () => {
    h.git('checkout', '--quiet', '-B', 'rename', 'main');
    const file = join(h.work, 'projects/webshop7k2/clusters/shop-staging-eu.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/humanReadableName: .*/, 'humanReadableName: Shop staging EU'));
    h.commitAll('rename');
    h.git('push', '--quiet', '--force', 'origin', 'rename');
    const pr = h.gh.openPullRequest({ repository: h.repo, headRef: 'rename', user: 'alice' });
    await h.deliverAndWait(pullRequestDelivery(h.gh, pr, 'opened'));

    const comment = h.gh.store.commentsOn(pr.repositoryId, pr.number).find((c) => c.body.includes('<!-- kkp-gitops:plan'));
    expect(comment?.body).toContain("The master's KKP CRDs differ from KKP v2.31 (spec.kkpVersion): clusters.kubermatic.k8c.io (different)");
    const run = h.gh.store.checkRuns.find((r) => r.headSha === pr.head.sha);
    expect(run?.conclusion).toBe('success');
    const annotation = run?.annotations.find((a) => a.path === 'kkp-gitops.yaml');
    expect(annotation).toMatchObject({ annotation_level: 'warning', start_line: 1 });
    expect(annotation?.message).toContain("The master's KKP CRDs differ from KKP v2.31");
  });
});
