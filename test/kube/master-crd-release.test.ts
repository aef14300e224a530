import { afterEach, describe, expect, it } from 'vitest';
import { masterCrdRelease } from '../../src/kube/master-crd-release.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/start-sandbox.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

describe('the KKP release of the master\'s CRDs, as serve reports it', () => {
  it('names the release the sandbox was started with', async () => {
    sandbox = await startSandbox({ seeds: ['seed-eu'], kkpVersion: 'v2.30' });
    const check = masterCrdRelease({ cluster: { kubeconfig: sandbox.kubeconfig } });
    expect(check.last().release).toBe('unknown');
    expect(await check.check()).toEqual({ release: 'v2.30', summary: "the master's KKP CRDs are those of KKP v2.30", warn: false });
    expect(check.last().release).toBe('v2.30');
  });

  it('warns, naming what differs from the newest release, when the CRDs are no known release\'s', async () => {
    sandbox = await startSandbox({ seeds: ['seed-eu'], kkpVersion: 'v2.30' });
    const master = sandbox.clusters.get('master')!.api;
    master.delete(master.typeOf('apiextensions.k8s.io/v1', 'CustomResourceDefinition')!, undefined, 'groupprojectbindings.kubermatic.k8c.io');
    const answer = await masterCrdRelease({ cluster: { kubeconfig: sandbox.kubeconfig } }).check();
    expect(answer).toMatchObject({ release: 'none', warn: true });
    expect(answer.summary).toBe(
      "the master's KKP CRDs are those of no KKP release kkp-gitops knows; against KKP v2.31: clusters.kubermatic.k8c.io (different), groupprojectbindings.kubermatic.k8c.io (missing), kubermaticconfigurations.kubermatic.k8c.io (different), seeds.kubermatic.k8c.io (different)",
    );
  });

  it('keeps an answer while it is fresh and reads again once it is stale', async () => {
    sandbox = await startSandbox({ seeds: ['seed-eu'] });
    let now = 0;
    const check = masterCrdRelease({ cluster: { kubeconfig: sandbox.kubeconfig }, maxAgeMs: 1000, clock: { now: () => now, sleep: async () => {} } });
    const master = sandbox.clusters.get('master')!;
    expect((await check.check()).release).toBe('v2.31');
    master.requests.clear();
    now = 999;
    expect((await check.check()).release).toBe('v2.31');
    expect(master.requests.count).toBe(0);
    now = 1000;
    await check.check();
    expect(master.requests.count).toBeGreaterThan(0);
  });
});
