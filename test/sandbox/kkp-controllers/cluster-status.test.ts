/** desiredClusterStatus: the status KKP would write for a Cluster, by spec, fault and delay. */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/emulator/kube-object.js';
import { enabledComponents } from '../../../src/sandbox/kkp-controllers/cluster-components.js';
import { desiredClusterStatus, pendingTransition } from '../../../src/sandbox/kkp-controllers/cluster-status.js';
import { healthFaultOf } from '../../../src/sandbox/kkp-controllers/health-fault.js';

const TIME = '2026-01-01T00:00:00Z';
const cluster = (spec: Record<string, unknown>, status?: Record<string, unknown>): KubeObject => ({
  apiVersion: 'kubermatic.k8c.io/v1',
  kind: 'Cluster',
  metadata: { name: 'c1' },
  spec: { version: '1.35.7', cloud: { dc: 'd', aws: {} }, ...spec },
  ...(status ? { status } : {}),
});
const input = (due: boolean, fault?: string) => {
  const parsed = healthFaultOf(fault === undefined ? undefined : { 'sandbox.kkp-gitops.dev/health': fault }, 'Cluster');
  if (parsed && 'error' in parsed) throw new Error(parsed.error);
  return { fault: parsed, due, kubermaticVersion: 'v2.31.0', time: TIME };
};

describe('desiredClusterStatus', () => {
  it('reports the components the spec enables, as KKP does', () => {
    expect(enabledComponents({ cloud: { edge: {} }, clusterNetwork: { konnectivityEnabled: true }, opaIntegration: { enabled: true }, mla: { monitoringEnabled: true }, kubernetesDashboard: { enabled: false }, enableOperatingSystemManager: false })).toEqual([
      'apiserver', 'scheduler', 'controller', 'etcd', 'konnectivity', 'cloudProviderInfrastructure', 'userClusterControllerManager', 'applicationController',
      'gatekeeperController', 'gatekeeperAudit', 'monitoring', 'alertmanagerConfig', 'mlaGateway',
    ]);
    expect(enabledComponents({})).toContain('openvpn');
    expect(enabledComponents({})).toContain('machineController');
  });

  it('keeps an initialized Cluster under never-running Updating, and it stays initialized', () => {
    const running = desiredClusterStatus(cluster({}), input(true));
    expect(running['phase']).toBe('Running');
    const held = desiredClusterStatus(cluster({}, running), input(true, 'never-running'));
    expect(held['phase']).toBe('Updating');
    expect((held['conditions'] as Record<string, { status: string }>)['ClusterInitialized']?.status).toBe('True');
    expect(pendingTransition(cluster({}, held))).toBeUndefined();
  });

  it('writes nothing new when reconciled again (condition times kept)', () => {
    const running = desiredClusterStatus(cluster({}), input(true));
    expect(desiredClusterStatus(cluster({}, running), { ...input(true), time: '2026-02-02T00:00:00Z' })).toEqual(running);
  });

  it('refuses an annotation that is not a Cluster fault, with a did-you-mean', () => {
    expect(healthFaultOf({ 'sandbox.kkp-gitops.dev/health': 'down=' }, 'Cluster')).toMatchObject({ error: expect.stringContaining('names no component') });
    expect(healthFaultOf({ 'sandbox.kkp-gitops.dev/health': 'unhealthy' }, 'Cluster')).toMatchObject({ error: expect.stringContaining('must be "down=') });
    expect(healthFaultOf({ 'sandbox.kkp-gitops.dev/health': 'down=etcd' }, 'Seed')).toMatchObject({ error: expect.stringContaining('on a Seed must be "unhealthy"') });
    expect(healthFaultOf({ 'sandbox.kkp-gitops.dev/health': ' down=etcd, etcd ,apiserver' }, 'Cluster')).toEqual({ kind: 'down', components: ['etcd', 'apiserver'] });
  });
});
