/**
 * A stand-in for KKP's controllers in tests of the health wait: every few milliseconds it writes, through the status
 * subresource of the emulator (in-process), the status KKP would: Seeds `Healthy`, Projects `Active`, Clusters
 * `Running` with every required component Up at `spec.version`, unless a cluster is held with a component Down.
 */
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import type { KubeObject } from '../../src/emulator/kube-object.js';

const V1 = 'kubermatic.k8c.io/v1';
const UP = 'HealthStatusUp';
const COMPONENTS = ['apiserver', 'controller', 'scheduler', 'etcd', 'machineController', 'cloudProviderInfrastructure', 'userClusterControllerManager', 'konnectivity'];

export interface StatusWriter {
  /** From now on, report `component` of the Cluster `name` (on any seed) HealthStatusDown. */
  holdDown(name: string, component: string): void;
  release(name: string): void;
  stop(): void;
  /** Writes the emulator refused. */
  errors(): readonly unknown[];
}

export function startStatusWriter(sandbox: Sandbox, intervalMs = 25): StatusWriter {
  const held = new Map<string, string>();
  const errors: unknown[] = [];
  const tick = () => {
    for (const [target, cluster] of sandbox.clusters) {
      const api = cluster.api;
      const write = (kind: string, status: (o: KubeObject) => Record<string, unknown>) => {
        const type = api.typeOf(V1, kind);
        if (!type) return;
        for (const { object } of api.list(type, undefined).entries) {
          const next = status(object);
          if (JSON.stringify(object['status'] ?? {}) === JSON.stringify(next)) continue;
          try {
            api.patch(type, object.metadata.namespace, object.metadata.name ?? '', 'merge', { status: next }, { subresource: 'status', fieldManager: 'kkp-status-writer' });
          } catch (error) {
            errors.push(error);
          }
        }
      };
      if (target === 'master') {
        write('Seed', () => ({ phase: 'Healthy' }));
        write('Project', () => ({ phase: 'Active' }));
      }
      write('Cluster', (o) => {
        const down = held.get(o.metadata.name ?? '');
        const extendedHealth = Object.fromEntries(COMPONENTS.map((c) => [c, c === down ? 'HealthStatusDown' : UP]));
        const version = (o['spec'] as { version?: string } | undefined)?.version ?? '';
        return { phase: 'Running', extendedHealth, versions: { controlPlane: version, apiserver: version, controllerManager: version, scheduler: version } };
      });
    }
  };
  // An object deleted between list and patch fails its write: the next tick sees the new state.
  const timer = setInterval(tick, intervalMs);
  return {
    holdDown: (name, component) => void held.set(name, component),
    release: (name) => void held.delete(name),
    stop: () => clearInterval(timer),
    errors: () => errors,
  };
}
