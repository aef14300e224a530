/**
 * Test harness for the engine against the sandbox: a copy of a fixture repository in a temporary folder (so tests
 * can edit files), the real loader, validator, Kubernetes adapter and emulator over HTTP, and counters of the
 * writes each virtual cluster received.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyRepository, type ApplyRepositoryInput, type RepositoryApply } from '../../../src/core/apply/apply-repository.js';
import { folderSource } from '../../../src/core/load/folder-source.js';
import { loadRepository } from '../../../src/core/load/load-repository.js';
import type { KubeObject } from '../../../src/core/render/kube-object.js';
import { planRepository, type RepositoryPlan } from '../../../src/core/plan/plan-repository.js';
import { createKubeConnector } from '../../../src/kube/kube-connector.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../src/sandbox/start-sandbox.js';
import type { KkpRelease } from '../../../src/core/kkp-release.js';

export const BASE_REPO = join(import.meta.dirname, '..', '..', 'fixtures', 'plan', 'create-everything', 'repo');
const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);
const V1 = 'kubermatic.k8c.io/v1';

export interface Harness {
  readonly sandbox: Sandbox;
  readonly dir: string;
  plan(options?: { allowDeletions?: boolean }): Promise<RepositoryPlan>;
  apply(options?: Omit<ApplyRepositoryInput, 'head' | 'connector'> & { allowDeletions?: boolean }): Promise<RepositoryApply>;
  edit(file: string, change: (text: string) => string): void;
  remove(file: string): void;
  /** `<cluster> <verb> <resource>/<name>` of every write that persists (dry-runs left out) since the last `resetRequests`. */
  writes(): string[];
  /** The same for dry-run writes (`dryRun=All`). */
  dryRuns(): string[];
  /** Requests of any kind since the last `resetRequests`, all clusters. */
  requestCount(): number;
  resetRequests(): void;
  /** An object as stored in a virtual cluster, read in-process (not through the API). */
  find(cluster: string, kind: string, name: string, namespace?: string): KubeObject | undefined;
  /** Another field manager's server-side apply, in-process. */
  applyAs(manager: string, cluster: string, object: KubeObject): void;
  close(): Promise<void>;
}

export async function startHarness(options: { seeds?: string[]; kkpVersion?: KkpRelease; kkpControllers?: SandboxOptions['kkpControllers'] } = {}): Promise<Harness> {
  const sandbox = await startSandbox({ seeds: options.seeds ?? ['seed-eu', 'seed-us'], ...(options.kkpVersion ? { kkpVersion: options.kkpVersion } : {}), ...(options.kkpControllers ? { kkpControllers: options.kkpControllers } : {}) });
  const dir = mkdtempSync(join(tmpdir(), 'kkp-gitops-engine-'));
  cpSync(BASE_REPO, dir, { recursive: true });
  const api = (cluster: string) => {
    const c = sandbox.clusters.get(cluster);
    if (!c) throw new Error(`no cluster ${cluster}`);
    return c.api;
  };
  const typeOf = (cluster: string, apiVersion: string, kind: string) => {
    const type = api(cluster).typeOf(apiVersion, kind);
    if (!type) throw new Error(`${kind} not served`);
    return type;
  };
  const run = async <T>(fn: (connector: ReturnType<typeof createKubeConnector>, head: Awaited<ReturnType<typeof loadRepository>>) => Promise<T>) => {
    const connector = createKubeConnector({ kubeconfig: sandbox.kubeconfig });
    try {
      return await fn(connector, await loadRepository(folderSource(dir)));
    } finally {
      await connector.close?.();
    }
  };
  return {
    sandbox,
    dir,
    plan: (o = {}) => run((connector, head) => planRepository({ head, connector, ...o })),
    // `allowDeletions`: the person allows every deletion of the plan (as `kkp-gitops apply --allow-deletions`).
    apply: ({ allowDeletions, ...o } = {}) => run((connector, head) => applyRepository({ head, connector, ...o, ...(allowDeletions ? { allowances: [{ head: head.commit ?? '', changes: 'everything' }] } : {}) })),
    edit: (file, change) => writeFileSync(join(dir, file), change(readFileSync(join(dir, file), 'utf8'))),
    remove: (file) => rmSync(join(dir, file)),
    writes: () =>
      [...sandbox.clusters].flatMap(([name, c]) =>
        c.requests.entries.filter((r) => WRITE_VERBS.has(r.verb) && !r.dryRun).map((r) => `${name} ${r.verb} ${r.resource}/${r.name ?? ''}`),
      ),
    dryRuns: () =>
      [...sandbox.clusters].flatMap(([name, c]) =>
        c.requests.entries.filter((r) => WRITE_VERBS.has(r.verb) && r.dryRun).map((r) => `${name} ${r.verb} ${r.resource}/${r.name ?? ''}`),
      ),
    requestCount: () => [...sandbox.clusters.values()].reduce((n, c) => n + c.requests.count, 0),
    resetRequests: () => {
      for (const c of sandbox.clusters.values()) c.requests.clear();
    },
    find: (cluster, kind, name, namespace) => {
      const apiVersion = kind === 'Secret' ? 'v1' : V1;
      return api(cluster).find(typeOf(cluster, apiVersion, kind), namespace, name) as KubeObject | undefined;
    },
    applyAs: (manager, cluster, object) => {
      api(cluster).apply(typeOf(cluster, object.apiVersion, object.kind), object.metadata.namespace, object.metadata.name, object, { fieldManager: manager, force: true });
    },
    close: async () => {
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
