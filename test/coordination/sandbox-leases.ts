/** A sandbox for the tests of a `describe` block, and a Lease store on its master (over client-node). */
import { afterAll, beforeAll } from 'vitest';
import type { LeaseStore } from '../../src/coordination/lease-store.js';
import { createLeaseStore } from '../../src/kube/lease-client.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';

export interface SandboxLeases {
  /** Set once the block's `beforeAll` ran. */
  sandbox: Sandbox;
  store: LeaseStore;
}

export function useSandboxLeases(): SandboxLeases {
  const env = {} as SandboxLeases;
  beforeAll(async () => {
    env.sandbox = await startSandbox({ port: 0 });
    env.store = createLeaseStore({ kubeconfig: env.sandbox.kubeconfigYaml });
  }, 30_000);
  afterAll(async () => {
    await env.sandbox?.stop();
  });
  return env;
}
