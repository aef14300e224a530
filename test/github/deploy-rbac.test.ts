import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { masterReachable } from '../../src/kube/master-reachable.js';
import { pullRequestDelivery, pushDelivery } from '../support/github-server/webhook-payloads.js';
import { openApiProblems } from '../support/github-server/openapi-conformance.js';
import { startAppHarness, type AppHarness } from './app-harness.js';

/**
 * deploy/base's RBAC is enough, and no more than enough: the master enforces RBAC and the app reaches it with the
 * token of deploy/base's ServiceAccount through a pull request's plan, a merge's apply, drift, recovery and the
 * readiness check.
 */
describe('the app with exactly the RBAC deploy/ grants', () => {
  let h: AppHarness & { readonly masterKubeconfig: string };

  beforeAll(async () => {
    h = await startAppHarness({ deployRbac: true });
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
  });

  const master = () => h.sandbox.clusters.get('master')!;
  const refused = () => master().requests.entries.filter((r) => r.status === 401 || r.status === 403).map((r) => `${r.status} ${r.verb} ${r.path}`);

  it('applies the default branch, plans and applies a pull request, checks drift, recovers and is ready, never refused', async () => {
    await h.deliverAndWait(pushDelivery(h.gh, h.repo, 'main', '0'.repeat(40)));
    expect(h.gh.store.deployments.flatMap((d) => d.statuses.slice(-1).map((s) => s.state))).toEqual(h.gh.store.deployments.map(() => 'success'));

    h.git('checkout', '--quiet', '-B', 'rename', 'main');
    const path = join(h.work, 'projects/webshop7k2/clusters/shop-prod-eu.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/humanReadableName: .*/, 'humanReadableName: Shop production (RBAC test)'));
    h.commitAll('rename');
    h.git('push', '--quiet', 'origin', 'rename');
    const pr = h.gh.openPullRequest({ repository: h.repo, headRef: 'rename', user: 'alice' });
    await h.deliverAndWait(pullRequestDelivery(h.gh, pr, 'opened'));
    expect(h.gh.store.checkRuns.find((r) => r.headSha === pr.head.sha)).toMatchObject({ status: 'completed', conclusion: 'success' });

    const before = h.gh.branchSha(h.repo, 'main');
    h.git('checkout', '--quiet', 'main');
    h.git('merge', '--quiet', '--no-ff', '-m', 'Merge rename', 'rename');
    h.git('push', '--quiet', 'origin', 'main');
    h.gh.markMerged(pr, h.gh.branchSha(h.repo, 'main'));
    await h.deliverAndWait(pushDelivery(h.gh, h.repo, 'main', before));
    const seed = h.sandbox.clusters.get('seed-eu')!.api;
    expect((seed.find(seed.typeOf('kubermatic.k8c.io/v1', 'Cluster')!, undefined, 'shop-prod-eu') as unknown as { spec: { humanReadableName: string } }).spec.humanReadableName).toBe('Shop production (RBAC test)');

    const drift = await h.app.checkDrift();
    expect(drift.map((r) => [r.repository, r.status])).toEqual([['acme/kkp-config', 'clean']]);
    const recovery = await h.app.recover();
    expect(recovery.map((r) => [r.repository, r.action])).toEqual([['acme/kkp-config', 'up-to-date']]);
    await masterReachable({ kubeconfig: h.masterKubeconfig })();

    expect(master().requests.entries.length).toBeGreaterThan(10);
    expect(refused()).toEqual([]);
  });

  it("sent only requests GitHub's OpenAPI description documents, and got only answers it allows", () => {
    expect(openApiProblems(h.gh.requests)).toEqual([]);
  });

  it('is refused anything outside the kinds kkp-gitops manages', async () => {
    const token = /token: (\S+)/.exec(h.masterKubeconfig)![1]!;
    for (const path of ['/api/v1/namespaces/kubermatic/configmaps', '/api/v1/namespaces/kkp-gitops/secrets', '/apis/kubermatic.k8c.io/v1/seeds', '/apis/kubermatic.k8c.io/v1/namespaces/kubermatic/kubermaticconfigurations']) {
      const response = await fetch(`${master().url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status, path).toBe(403);
    }
  });
});
