import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIFT_CHECK } from '../../src/github/drift/drift-check-run.js';
import { pushDelivery } from '../support/github-server/webhook-payloads.js';
import { startAppHarness, type AppHarness } from './app-harness.js';

const CLUSTER_NAME = 'shop-staging-eu';

describe('drift detection over HTTP', () => {
  let h: AppHarness;

  beforeAll(async () => {
    h = await startAppHarness({ repository: 'kkp-drift' });
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
  });

  const seedApi = () => h.sandbox.clusters.get('seed-eu')!.api;
  const clusterType = () => seedApi().typeOf('kubermatic.k8c.io/v1', 'Cluster')!;
  const liveCluster = () => seedApi().find(clusterType(), undefined, CLUSTER_NAME) as { spec: { humanReadableName?: string } } | undefined;
  const driftRuns = (sha: string) => h.gh.store.checkRuns.filter((r) => r.name === DRIFT_CHECK && r.headSha === sha);

  /** Someone edits the managed Cluster in the seed by hand (`kubectl edit`). */
  function editByHand(name: string): void {
    seedApi().patch(clusterType(), undefined, CLUSTER_NAME, 'merge', { spec: { humanReadableName: name } }, { fieldManager: 'kubectl-edit' });
  }

  /**
   * Pushes a commit to main that sets the policy's selfHeal, then one after it (a policy governs what comes after
   * the commit that sets it, never that commit itself), and delivers both pushes. Returns the second.
   */
  async function pushSelfHeal(on: boolean): Promise<string> {
    h.git('checkout', '--quiet', 'main');
    const file = join(h.work, 'kkp-gitops.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/selfHeal: (true|false)/, `selfHeal: ${on}`));
    let sha = '';
    for (const message of [`selfHeal ${on}`, `after selfHeal ${on}`]) {
      const before = h.gh.branchSha(h.repo, 'main');
      h.git('commit', '--quiet', '--allow-empty', '-am', message);
      sha = h.git('rev-parse', 'HEAD');
      h.git('push', '--quiet', 'origin', 'main');
      await h.deliverAndWait(pushDelivery(h.gh, h.repo, 'main', before));
    }
    return sha;
  }

  let wanted: string | undefined;

  it('reports no drift on an applied head the clusters match', async () => {
    const head = await pushSelfHeal(true);
    wanted = liveCluster()!.spec.humanReadableName;
    const [report] = await h.app.checkDrift();
    expect(report).toMatchObject({ repository: 'acme/kkp-drift', head, status: 'clean', drifted: [] });
    expect(driftRuns(head)).toHaveLength(1);
    expect(driftRuns(head)[0]).toMatchObject({ status: 'completed', conclusion: 'success', output: { title: 'No drift' } });
  });

  it('restores an object edited by hand when the policy says selfHeal', async () => {
    const head = h.gh.branchSha(h.repo, 'main');
    editByHand('Edited by hand');
    const [report] = await h.app.checkDrift();
    expect(report).toMatchObject({ head, status: 'healed', drifted: [{ object: `seed-eu: Cluster/${CLUSTER_NAME}`, how: 'edited', fields: ['spec.humanReadableName'] }] });
    expect(liveCluster()!.spec.humanReadableName).toBe(wanted);
    expect(driftRuns(head).at(-1)).toMatchObject({ status: 'completed', conclusion: 'success', output: { title: 'Drift corrected: 1 object' } });
    expect(driftRuns(head).at(-1)!.output.summary).toContain(`\`seed-eu: Cluster/${CLUSTER_NAME}\`: edited in the cluster (\`spec.humanReadableName\`)`);
  });

  it('restores a managed object deleted by hand when the policy says selfHeal', async () => {
    const head = h.gh.branchSha(h.repo, 'main');
    seedApi().delete(clusterType(), undefined, CLUSTER_NAME);
    expect(liveCluster()).toBeUndefined();
    const [report] = await h.app.checkDrift();
    expect(report).toMatchObject({ status: 'healed', drifted: [{ object: `seed-eu: Cluster/${CLUSTER_NAME}`, how: 'missing' }] });
    expect(liveCluster()?.spec.humanReadableName).toBe(wanted);
    expect(driftRuns(head).at(-1)!.output.summary).toContain(`\`seed-eu: Cluster/${CLUSTER_NAME}\`: missing from the cluster`);
  });

  it('lists an object edited by hand on a failing drift check run and leaves it for a person without selfHeal', async () => {
    const head = await pushSelfHeal(false);
    expect((await h.app.checkDrift())[0]).toMatchObject({ head, status: 'clean' });
    editByHand('Edited by hand');
    const [report] = await h.app.checkDrift();
    expect(report).toMatchObject({ status: 'drifted', drifted: [{ object: `seed-eu: Cluster/${CLUSTER_NAME}`, how: 'edited' }] });
    const run = driftRuns(head).at(-1)!;
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure', output: { title: '1 object drifted' } });
    expect(run.output.summary).toContain(`\`seed-eu: Cluster/${CLUSTER_NAME}\`: edited in the cluster (\`spec.humanReadableName\`)`);
    expect(liveCluster()!.spec.humanReadableName).toBe('Edited by hand');

    // The same finding on the same commit is not written again.
    const runs = driftRuns(head).length;
    await h.app.checkDrift();
    expect(driftRuns(head)).toHaveLength(runs);
  });
});
