import { describe, expect, it } from 'vitest';
import { objectHealth, type HealthState } from '../../../src/core/health/object-health.js';
import type { KubeObject } from '../../../src/core/render/kube-object.js';

const UP = 'HealthStatusUp';
const REQUIRED = { apiserver: UP, controller: UP, scheduler: UP, etcd: UP, machineController: UP, cloudProviderInfrastructure: UP, userClusterControllerManager: UP };

function cluster(spec: Record<string, unknown>, status: Record<string, unknown> | undefined): KubeObject {
  return { apiVersion: 'kubermatic.k8c.io/v1', kind: 'Cluster', metadata: { name: 'prod-1' }, spec: { version: '1.31.4', ...spec }, ...(status ? { status } : {}) };
}

const running = { phase: 'Running', extendedHealth: REQUIRED, versions: { controlPlane: '1.31.4' } };

function seed(status: Record<string, unknown> | undefined): KubeObject {
  return { apiVersion: 'kubermatic.k8c.io/v1', kind: 'Seed', metadata: { name: 'seed-eu', namespace: 'kubermatic' }, spec: {}, ...(status ? { status } : {}) };
}

describe('objectHealth reads KKP status as the release CRDs define it', () => {
  const cases: { name: string; object: KubeObject; state: HealthState; reasons?: string[]; components?: string[]; terminal?: boolean; errorReason?: string }[] = [
    { name: 'a running cluster with every required component up is healthy', object: cluster({}, running), state: 'healthy', reasons: [] },
    { name: 'a cluster without any status yet is progressing', object: cluster({}, undefined), state: 'progressing' },
    {
      name: 'a creating cluster is progressing and names the components not up',
      object: cluster({}, { phase: 'Creating', extendedHealth: { ...REQUIRED, etcd: 'HealthStatusProvisioning' } }),
      state: 'progressing',
      reasons: ['phase Creating', 'etcd HealthStatusProvisioning'],
      components: ['etcd'],
    },
    {
      name: 'a component held down makes the cluster unhealthy',
      object: cluster({}, { ...running, extendedHealth: { ...REQUIRED, apiserver: 'HealthStatusDown' } }),
      state: 'unhealthy',
      reasons: ['apiserver HealthStatusDown'],
      components: ['apiserver'],
    },
    {
      name: 'an optional component counts once the spec enables it',
      object: cluster({ mla: { monitoringEnabled: true } }, running),
      state: 'progressing',
      reasons: ['monitoring not reported'],
      components: ['monitoring'],
    },
    { name: 'an optional component the spec does not enable is not waited for', object: cluster({ mla: { monitoringEnabled: false } }, running), state: 'healthy' },
    {
      name: 'gatekeeper enabled needs both of its components up',
      object: cluster({ opaIntegration: { enabled: true } }, { ...running, extendedHealth: { ...REQUIRED, gatekeeperController: UP } }),
      state: 'progressing',
      components: ['gatekeeperAudit'],
    },
    {
      name: 'a control plane still at the old version is progressing',
      object: cluster({}, { ...running, versions: { controlPlane: '1.30.9' } }),
      state: 'progressing',
      reasons: ['control plane not at the desired version yet'],
    },
    {
      name: 'a condition that is not True is named',
      object: cluster({}, { ...running, conditions: { ClusterConditionSeedResourcesUpToDate: { status: 'False' }, Other: { status: 'True' } } }),
      state: 'progressing',
      reasons: ['condition ClusterConditionSeedResourcesUpToDate False'],
    },
    {
      name: 'an errorReason of the CRD is named and InvalidConfiguration is terminal',
      object: cluster({}, { ...running, errorReason: 'InvalidConfiguration', errorMessage: 'bad' }),
      state: 'unhealthy',
      reasons: ['errorReason InvalidConfiguration'],
      terminal: true,
      errorReason: 'InvalidConfiguration',
    },
    {
      name: 'a ReconcileError is unhealthy but may recover',
      object: cluster({}, { ...running, errorReason: 'ReconcileError' }),
      state: 'unhealthy',
      terminal: false,
      errorReason: 'ReconcileError',
    },
    {
      name: 'an errorReason outside the CRD enum is not quoted',
      object: cluster({}, { ...running, errorReason: '<img src=x>' }),
      state: 'unhealthy',
      reasons: ['errorReason unrecognized'],
    },
    {
      name: 'a phase outside the CRD enum is not quoted',
      object: cluster({}, { ...running, phase: '**bold**' }),
      state: 'progressing',
      reasons: ['phase not recognized'],
    },
    {
      name: 'a condition type that is not a plain name is not quoted',
      object: cluster({}, { ...running, conditions: { '<b>x</b>': { status: 'False' } } }),
      state: 'progressing',
      reasons: ['condition (unnamed) False'],
    },
    {
      name: 'machineController left empty by KKP (Edge) counts as up',
      object: cluster({}, { ...running, extendedHealth: { ...REQUIRED, machineController: undefined } }),
      state: 'healthy',
    },
    { name: 'a healthy seed with true conditions is healthy', object: seed({ phase: 'Healthy', conditions: { SeedConditionKubeconfigValid: { status: 'True' } } }), state: 'healthy' },
    { name: 'an unhealthy seed is unhealthy', object: seed({ phase: 'Unhealthy', conditions: { SeedConditionKubeconfigValid: { status: 'False' } } }), state: 'unhealthy', reasons: ['phase Unhealthy', 'condition SeedConditionKubeconfigValid False'] },
    { name: 'a seed without status yet is progressing', object: seed(undefined), state: 'progressing', reasons: ['phase not reported'] },
    { name: 'a project KKP has not activated yet is progressing', object: { apiVersion: 'kubermatic.k8c.io/v1', kind: 'Project', metadata: { name: 'p' }, status: { phase: 'Inactive' } }, state: 'progressing', reasons: ['phase Inactive'] },
    { name: 'an active project is healthy', object: { apiVersion: 'kubermatic.k8c.io/v1', kind: 'Project', metadata: { name: 'p' }, status: { phase: 'Active' } }, state: 'healthy' },
    { name: 'a user is healthy once stored', object: { apiVersion: 'kubermatic.k8c.io/v1', kind: 'User', metadata: { name: 'u' } }, state: 'healthy' },
    { name: 'an object being deleted is progressing', object: { ...cluster({}, running), metadata: { name: 'prod-1', deletionTimestamp: '2026-01-01T00:00:00Z' } }, state: 'progressing', reasons: ['being deleted'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const health = objectHealth(c.object);
      expect(health.state).toBe(c.state);
      if (c.reasons) expect(health.reasons).toEqual(c.reasons);
      if (c.components) expect(health.components).toEqual(c.components);
      if (c.terminal !== undefined) expect(health.terminal).toBe(c.terminal);
      if (c.errorReason) expect(health.errorReason).toBe(c.errorReason);
    });
  }

  it('checks the KKP version a seed reports only against an expected one', () => {
    const object = seed({ phase: 'Healthy', versions: { kubermatic: 'v2.30.6' } });
    expect(objectHealth(object).state).toBe('healthy');
    expect(objectHealth(object, { kkpVersion: 'v2.31.0' })).toMatchObject({ state: 'progressing', reasons: ['KKP version not v2.31.0 yet'] });
    expect(objectHealth(object, { kkpVersion: '2.30.6' }).state).toBe('healthy');
  });

  it('keeps errorMessage bounded and out of the fixed reasons', () => {
    const health = objectHealth(cluster({}, { ...running, errorReason: 'ReconcileError', errorMessage: 'x'.repeat(5000) }));
    expect(health.detail?.length).toBe(200);
    expect(health.reasons.join(' ')).not.toContain('xxx');
  });
});
