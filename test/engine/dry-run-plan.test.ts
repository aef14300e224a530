/**
 * The plan asks the API servers: every create and update is dry-run (server-side apply, dryRun=All,
 * fieldValidation=Strict) on its target, once. Refusals become errors with a diagnostic on the source line;
 * an update's diff is what the server would change, so what KKP defaults again is not a change.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/emulator/kube-object.js';
import { CRDS } from '../../src/emulator/resource-type.js';
import { DRY_RUN_RULE } from '../../src/core/plan/dry-run-diagnostics.js';
import type { Change, Plan } from '../../src/core/plan/plan.js';
import { startHarness, type Harness } from './support/sandbox-harness.js';

const changes = (plan: Plan | undefined, target: string): Change[] => plan?.targets.find((t) => t.target === target)?.stages.flatMap((s) => s.changes) ?? [];
const change = (plan: Plan | undefined, target: string, name: string): Change | undefined => changes(plan, target).find((c) => c.id.name === name);

describe('the server-side dry-run in every plan', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness();
    await h.apply();
    h.resetRequests();
  });
  afterEach(async () => {
    await h.close();
  });

  it('sends one dry-run per changed object and none for unchanged ones', async () => {
    h.edit('projects/shop/project.yaml', (t) => t.replace('name: Web shop', 'name: Web shop two'));
    const { plan } = await h.plan();
    expect(change(plan, 'master', 'shop4x7k2m')?.action).toBe('update');
    expect(h.dryRuns()).toEqual(['master patch projects.kubermatic.k8c.io/shop4x7k2m']);
    expect(h.writes()).toEqual([]);
  });

  it("turns the API server's refusal into an error of the change and a diagnostic on the field's line", async () => {
    // The master's Project CRD is stricter than kkp-gitops' schemas (our rules lag behind KKP's).
    const master = h.sandbox.clusters.get('master')!.api;
    const crd = master.find(CRDS, undefined, 'projects.kubermatic.k8c.io')!;
    const spec = crd['spec'] as { versions: { schema: { openAPIV3Schema: { properties: Record<string, unknown> } } }[] };
    spec.versions[0]!.schema.openAPIV3Schema.properties['spec'] = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { name: { type: 'string', maxLength: 10 } } };
    master.update(CRDS, undefined, crd.metadata.name!, crd as KubeObject);
    h.edit('projects/shop/project.yaml', (t) => t.replace('name: Web shop', 'name: Web shop for everyone'));

    const { plan, diagnostics } = await h.plan();
    const refused = change(plan, 'master', 'shop4x7k2m');
    // The fixed form: code, reason and the cause's field path and type; not the server's own words.
    expect(refused?.errors).toEqual(['the API server refused the dry-run: dry-run apply refused: 422 Invalid (spec.name: FieldValueTooLong)']);
    expect(diagnostics.filter((d) => d.rule === DRY_RUN_RULE).map((d) => [d.file, d.line, d.pointer, d.severity])).toEqual([['projects/shop/project.yaml', 6, '/spec/name', 'error']]);
    expect(h.writes()).toEqual([]);
  });

  it("diffs an update against the server's answer: a field KKP defaults again is not shown as removed", async () => {
    h.edit('projects/shop/clusters/shop-eu.yaml', (t) => t.replace('  humanReadableName: Shop (EU)', '  humanReadableName: Shop (EU)\n  exposeStrategy: NodePort'));
    await h.apply();
    h.edit('projects/shop/clusters/shop-eu.yaml', (t) => t.replace('  exposeStrategy: NodePort\n', '').replace('Shop (EU)', 'Shop (Europe)'));
    const { plan } = await h.plan();
    const updated = change(plan, 'seed-eu', 'shop-eu');
    expect(updated?.action).toBe('update');
    expect(updated?.diff).toEqual([{ path: 'spec.humanReadableName', before: 'Shop (EU)', after: 'Shop (Europe)' }]);
  });

  it('marks a target whose API server cannot answer as not dry-run, without inventing errors', async () => {
    h.sandbox.clusters.get('seed-eu')!.faults.set({ failureRate: 1, failureStatus: 503, retryAfterSeconds: 0, verbs: ['patch'] });
    h.edit('projects/shop/clusters/shop-eu.yaml', (t) => t.replace('Shop (EU)', 'Shop (Europe)'));
    const { plan } = await h.plan();
    const seed = plan?.targets.find((t) => t.target === 'seed-eu');
    expect(seed?.notDryRun).toMatch(/^not dry-run: /);
    expect(change(plan, 'seed-eu', 'shop-eu')).toMatchObject({ action: 'update', errors: [] });
  });
});
