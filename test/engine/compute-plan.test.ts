import { describe, expect, it } from 'vitest';
import { computePlan } from '../../src/core/plan/compute-plan.js';
import type { LiveState } from '../../src/core/plan/live-state.js';
import type { DesiredObject, DesiredState } from '../../src/core/render/desired-state.js';
import type { KubeObject } from '../../src/core/render/kube-object.js';
import { DESIRED_HASH_ANNOTATION, MANAGED_BY_LABEL, REPOSITORY_LABEL, repositoryLabelValue } from '../../src/core/render/managed-labels.js';
import { contentHash } from '../../src/core/render/stable-json.js';
import { renderReport } from '../../src/core/report/render-report.js';

const V1 = 'kubermatic.k8c.io/v1';
const REPO = 'acme/kkp-config';
const LABELS = { [MANAGED_BY_LABEL]: 'kkp-gitops', [REPOSITORY_LABEL]: repositoryLabelValue(REPO) };

function desiredCluster(target: string, name: string, spec: Record<string, unknown>): DesiredObject {
  const body = { apiVersion: V1, kind: 'Cluster', metadata: { name, labels: { ...LABELS, 'project-id': 'p1' } }, spec };
  const hash = contentHash(body);
  const manifest = { ...body, metadata: { ...body.metadata, annotations: { [DESIRED_HASH_ANNOTATION]: hash } } } as KubeObject;
  return { id: { target, apiVersion: V1, kind: 'Cluster', name }, manifest, source: `clusters/${name}.yaml#0`, location: `clusters/${name}.yaml:1`, hash };
}

function desiredState(objects: DesiredObject[]): DesiredState {
  const targets = [...new Set(objects.map((o) => o.id.target))].map((target) => ({ target, objects: objects.filter((o) => o.id.target === target) }));
  return { repository: REPO, targets, unrendered: [] };
}

function live(targets: Record<string, KubeObject[]>): LiveState {
  return { targets: Object.entries(targets).map(([target, objects]) => ({ target, reachable: true as const, objects })) };
}

describe('computePlan', () => {
  it('pairs objects per target: a Cluster of the same name on another seed is a different object', () => {
    const d = desiredCluster('seed-eu', 'c1', { version: '1.35.7' });
    const plan = computePlan(desiredState([d]), live({ 'seed-eu': [], 'seed-us': [{ ...d.manifest, metadata: { ...d.manifest.metadata, uid: 'u1' } }] }), {
      allowDeletions: true,
    });
    expect(plan.targets.map((t) => [t.target, t.stages.flatMap((s) => s.changes.map((c) => c.action))])).toEqual([
      ['seed-eu', ['create']],
      ['seed-us', ['delete']],
    ]);
    expect(plan.targets[1]?.stages[0]?.changes[0]?.uid).toBe('u1');
  });

  it('ignores status, server metadata, controller finalizers and fields other managers set', () => {
    const d = desiredCluster('seed-eu', 'c1', { version: '1.35.7', cloud: { dc: 'aws-eu-central-1', aws: {} } });
    const liveCluster: KubeObject = {
      ...d.manifest,
      metadata: { ...d.manifest.metadata, uid: 'u1', resourceVersion: '42', generation: 3, creationTimestamp: '2025-01-01T00:00:00Z', finalizers: ['kubermatic.k8c.io/cleanup'] },
      spec: { version: 'v1.35.7', cloud: { dc: 'aws-eu-central-1', providerName: 'aws', aws: { vpcID: 'vpc-1' } }, exposeStrategy: 'NodePort' },
      status: { phase: 'Running' },
    };
    const plan = computePlan(desiredState([d]), live({ 'seed-eu': [liveCluster] }));
    expect(plan.targets[0]?.stages[0]?.changes[0]).toMatchObject({ action: 'unchanged', diff: [] });
  });

  it('never prints a secret-like value, in the plan data or in any report', () => {
    const d = desiredCluster('seed-eu', 'c1', { cloud: { aws: { secretAccessKey: 'wJalrXUtnFEMI-not-for-eyes', accessKeyID: 'AKIA-not-for-eyes' } } });
    const plan = computePlan(desiredState([d]), live({ 'seed-eu': [] }));
    for (const format of ['text', 'markdown', 'json'] as const) expect(renderReport(plan, { format })).not.toContain('not-for-eyes');
    expect(plan.targets[0]?.stages[0]?.changes[0]?.diff.map((c) => c.after)).toContain('(sensitive value)');
  });

  it('reports drift when a managed field was edited outside Git, and skips it when drift correction is off', () => {
    const d = desiredCluster('seed-eu', 'c1', { humanReadableName: 'Shop' });
    const edited: KubeObject = { ...d.manifest, metadata: { ...d.manifest.metadata, uid: 'u1' }, spec: { humanReadableName: 'Edited by hand' } };
    const corrected = computePlan(desiredState([d]), live({ 'seed-eu': [edited] }));
    expect(corrected.targets[0]?.stages[0]?.changes[0]).toMatchObject({ action: 'update', drift: true, diff: [{ path: 'spec.humanReadableName', before: 'Edited by hand', after: 'Shop' }] });
    const left = computePlan(desiredState([d]), live({ 'seed-eu': [edited] }), { correctDrift: false });
    expect(left.targets[0]?.stages[0]?.changes[0]).toMatchObject({ action: 'skip', drift: true });
  });

  it('refuses to take over an object another repository manages', () => {
    const d = desiredCluster('seed-eu', 'c1', { humanReadableName: 'Shop' });
    const theirs: KubeObject = { ...d.manifest, metadata: { name: 'c1', uid: 'u1', labels: { [MANAGED_BY_LABEL]: 'kkp-gitops', [REPOSITORY_LABEL]: 'other.repo' } } };
    const change = computePlan(desiredState([d]), live({ 'seed-eu': [theirs] })).targets[0]?.stages[0]?.changes[0];
    expect(change?.errors.join()).toContain("managed by another repository ('other.repo')");
  });

  it('plans the other targets when one could not be read', () => {
    const a = desiredCluster('seed-eu', 'c1', {});
    const b = desiredCluster('seed-us', 'c2', {});
    const state: LiveState = { targets: [{ target: 'seed-eu', reachable: false, reason: 'unreachable', error: 'ECONNREFUSED' }, { target: 'seed-us', reachable: true, objects: [] }] };
    const plan = computePlan(desiredState([a, b]), state);
    expect(plan.targets.map((t) => [t.target, t.status, t.stages.length])).toEqual([
      ['seed-eu', 'unreachable', 0],
      ['seed-us', 'ready', 1],
    ]);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });
});

describe('repositoryLabelValue', () => {
  it('maps owner/name to a label value and keeps distinct ids distinct', () => {
    expect(repositoryLabelValue('acme/kkp-config')).toBe('acme.kkp-config');
    expect(repositoryLabelValue('acme/kkp.config')).not.toBe(repositoryLabelValue('acme.kkp/config'));
    const long = repositoryLabelValue(`acme/${'x'.repeat(100)}`);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/);
  });
});
