/**
 * `waitForObject`: resolves with an object of a virtual cluster once `condition` holds for it, woken by the
 * cluster's watch events (no polling), for tests and the demo waiting on the controllers
 * (e.g. a Cluster's `status.phase === 'Running'`). Rejects with a `WaitTimeoutError` after `timeoutMs`.
 */
import type { KubeObject } from '../../emulator/kube-object.js';
import type { ResourceType } from '../../emulator/resource-type.js';
import type { VirtualCluster } from '../../emulator/virtual-cluster.js';

export interface WaitForObjectOptions {
  /** Default 30,000 ms. */
  readonly timeoutMs?: number;
}

export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
}

export function waitForObject(
  api: VirtualCluster,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  condition: (object: KubeObject) => boolean,
  options: WaitForObjectOptions = {},
): Promise<KubeObject> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const object = api.find(type, namespace, name);
      if (!object || !condition(object)) return false;
      finish();
      resolve(object);
      return true;
    };
    const unsubscribe = api.hub.subscribe(type.storageKey, (event) => {
      if (event.object.metadata.name === name) queueMicrotask(check);
    });
    const timer = setTimeout(() => {
      finish();
      reject(new WaitTimeoutError(`${type.kind}/${name} did not reach the awaited state within ${options.timeoutMs ?? 30_000} ms`));
    }, options.timeoutMs ?? 30_000);
    function finish(): void {
      unsubscribe();
      clearTimeout(timer);
    }
    check();
  });
}
