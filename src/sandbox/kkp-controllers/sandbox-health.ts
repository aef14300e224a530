/**
 * `sandboxHealth`: waits (by watch) until the sandbox's KKP controllers have settled every Seed and Cluster
 * (Seeds out of the empty phase, Clusters out of `Creating`/`Updating`) and tells their state, one line each
 * (`seed-eu: Cluster/prod-1 Running, 11 components Up`). For the demo and for people rehearsing faults.
 */
import { formatObjectId } from '../../core/object-id.js';
import type { KubeObject } from '../../emulator/kube-object.js';
import type { ResourceType } from '../../emulator/resource-type.js';
import type { VirtualCluster } from '../../emulator/virtual-cluster.js';
import { waitForObject, WaitTimeoutError } from './wait-for-object.js';

export interface HealthLine {
  readonly text: string;
  /** Seed `Healthy`, Cluster `Running` with every component Up. */
  readonly healthy: boolean;
}

const KKP_API_VERSION = 'kubermatic.k8c.io/v1';

type Status = { phase?: string; extendedHealth?: Record<string, string> };
const statusOf = (object: KubeObject): Status => (object['status'] as Status | undefined) ?? {};

async function settled(api: VirtualCluster, type: ResourceType, object: KubeObject, done: (status: Status) => boolean, timeoutMs: number): Promise<KubeObject> {
  try {
    return await waitForObject(api, type, object.metadata.namespace, object.metadata.name ?? '', (o) => done(statusOf(o)), { timeoutMs });
  } catch (error) {
    if (error instanceof WaitTimeoutError) return api.find(type, object.metadata.namespace, object.metadata.name ?? '') ?? object;
    throw error;
  }
}

/** `clusters`: the sandbox's virtual clusters by name, `master` among them. */
export async function sandboxHealth(clusters: ReadonlyMap<string, { readonly api: VirtualCluster }>, options: { readonly timeoutMs?: number } = {}): Promise<HealthLine[]> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const lines: Promise<HealthLine>[] = [];
  for (const [target, { api }] of clusters) {
    for (const kind of ['Seed', 'Cluster'] as const) {
      const type = api.typeOf(KKP_API_VERSION, kind);
      if (!type || (kind === 'Seed') !== (target === 'master')) continue;
      for (const { object } of api.list(type, undefined).entries) {
        const done = kind === 'Seed' ? (s: Status) => (s.phase ?? '') !== '' : (s: Status) => s.phase !== undefined && s.phase !== 'Creating' && s.phase !== 'Updating';
        lines.push(
          settled(api, type, object, done, timeoutMs).then((current) => {
            const status = statusOf(current);
            const id = formatObjectId({ target, apiVersion: KKP_API_VERSION, kind, ...(current.metadata.namespace ? { namespace: current.metadata.namespace } : {}), name: current.metadata.name ?? '' });
            if (kind === 'Seed') return { text: `${id} ${status.phase || 'no status yet'}`, healthy: status.phase === 'Healthy' };
            const components = Object.entries(status.extendedHealth ?? {});
            const notUp = components.filter(([, health]) => health !== 'HealthStatusUp').map(([name, health]) => `${name} ${health.replace(/^HealthStatus/, '')}`);
            const detail = notUp.length === 0 ? `${components.length} components Up` : notUp.join(', ');
            return { text: `${id} ${status.phase ?? 'no status yet'}, ${detail}`, healthy: status.phase === 'Running' && notUp.length === 0 };
          }),
        );
      }
    }
  }
  return Promise.all(lines);
}
