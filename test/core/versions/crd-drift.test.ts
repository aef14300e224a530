import { afterEach, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/core/diagnostic.js';
import { KKP_RELEASE_VERSIONS } from '../../../src/core/kkp-release.js';
import { compareCrds, CRD_DRIFT_RULE, crdDriftDiagnostics, matchingReleases } from '../../../src/core/versions/crd-drift.js';
import { crdFingerprint } from '../../../src/core/versions/crd-fingerprint.js';
import { kkpCrds } from '../../../src/sandbox/kkp-crds.js';
import { startHarness, type Harness } from '../../engine/support/sandbox-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const crdWarnings = (diagnostics: readonly Diagnostic[]) => diagnostics.filter((d) => d.rule === CRD_DRIFT_RULE);

describe('the check of the master\'s KKP CRDs against spec.kkpVersion', () => {
  it('fingerprints the CRDs the product carries as the generated release table records them', () => {
    for (const release of ['v2.29', 'v2.30', 'v2.31'] as const) {
      const fingerprints = Object.fromEntries(kkpCrds(release).map((crd) => [crd.metadata.name, crdFingerprint(crd)]));
      expect(fingerprints).toEqual(KKP_RELEASE_VERSIONS[release].crdFingerprints);
    }
  });

  it('ignores key order and fields that do not change what an object may hold', () => {
    const [crd] = kkpCrds('v2.31');
    const reverse = (value: unknown): unknown =>
      Array.isArray(value) ? value.map(reverse) : typeof value === 'object' && value !== null ? Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverse(v)])) : value;
    const reordered = reverse(crd);
    const annotated = { ...crd!, metadata: { ...crd!.metadata, resourceVersion: '42', annotations: { x: 'y' } }, status: { acceptedNames: {} } };
    expect(crdFingerprint(reordered)).toBe(crdFingerprint(crd));
    expect(crdFingerprint(annotated)).toBe(crdFingerprint(crd));
  });

  it('names each CRD that is missing or has other schemas', () => {
    const installed = new Map(kkpCrds('v2.31').map((crd) => [crd.metadata.name!, crdFingerprint(crd)] as [string, string | null]));
    expect(compareCrds('v2.31', installed)).toEqual([]);
    expect(matchingReleases(installed)).toEqual(['v2.31']);
    installed.set('seeds.kubermatic.k8c.io', null);
    installed.set('clusters.kubermatic.k8c.io', crdFingerprint(kkpCrds('v2.30').find((c) => c.metadata.name === 'clusters.kubermatic.k8c.io')));
    expect(compareCrds('v2.31', installed)).toEqual([
      { name: 'clusters.kubermatic.k8c.io', state: 'different' },
      { name: 'seeds.kubermatic.k8c.io', state: 'missing' },
    ]);
    expect(matchingReleases(installed)).toEqual([]);
  });

  it('warns in the plan when the sandbox runs another release\'s CRDs, and says which release the master runs', async () => {
    h = await startHarness({ kkpVersion: 'v2.30' });
    const planned = await h.plan();
    expect(planned.plan).toBeDefined();
    const [warning, ...more] = crdWarnings(planned.diagnostics);
    expect(more).toEqual([]);
    expect(warning).toMatchObject({ file: 'kkp-gitops.yaml', line: 1, severity: 'warning', pointer: '/spec/kkpVersion' });
    expect(warning?.message).toBe(
      "The master's KKP CRDs differ from KKP v2.31 (spec.kkpVersion): clusters.kubermatic.k8c.io (different), kubermaticconfigurations.kubermatic.k8c.io (different), seeds.kubermatic.k8c.io (different)",
    );
    expect(warning?.hint).toMatch(/runs the CRDs of KKP v2\.30: set spec\.kkpVersion/);
  });

  it('warns about nothing once spec.kkpVersion selects the release the master runs', async () => {
    h = await startHarness({ kkpVersion: 'v2.30' });
    h.edit('kkp-gitops.yaml', (t) => `${t.trimEnd()}\n  kkpVersion: v2.30\n`);
    const planned = await h.plan();
    expect(planned.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(crdWarnings(planned.diagnostics)).toEqual([]);
  });

  it('reports a CRD removed from the master as missing', async () => {
    h = await startHarness();
    const master = h.sandbox.clusters.get('master')!.api;
    const type = master.typeOf('apiextensions.k8s.io/v1', 'CustomResourceDefinition')!;
    master.delete(type, undefined, 'usersshkeys.kubermatic.k8c.io');
    const diagnostics = await crdDriftDiagnostics(
      { get: async (_kind, name) => master.find(type, undefined, name) as never },
      { release: 'v2.31', configFile: 'kkp-gitops.yaml' },
    );
    expect(diagnostics.map((d) => d.message)).toEqual(["The master's KKP CRDs differ from KKP v2.31 (spec.kkpVersion): usersshkeys.kubermatic.k8c.io (missing)"]);
  });

  it('says the CRDs were not compared, without failing, when the master refuses to show them', async () => {
    const { ApiRequestError } = await import('../../../src/core/apply/api-request-error.js');
    const refusing = { get: async () => Promise.reject(new ApiRequestError('forbidden', { code: 403 })) };
    const diagnostics = await crdDriftDiagnostics(refusing, { release: 'v2.31', configFile: 'kkp-gitops.yaml' });
    expect(diagnostics).toMatchObject([{ severity: 'info', rule: CRD_DRIFT_RULE, message: "The master's KKP CRDs were not compared with KKP v2.31: the master answered HTTP 403" }]);
  });
});
