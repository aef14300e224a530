/**
 * `startSandbox`: a KKP landscape on the emulator: a master and N seeds, each its own virtual cluster on a
 * loopback port, with the KKP CRDs installed, the `kubermatic` namespace on the master, one kubeconfig Secret
 * per seed in it (what the Seeds' `spec.kubeconfig` references), and KKP's admission checks. Optionally the
 * stand-ins for KKP's controllers (`kkp-controllers/`) and the admin endpoint of `kkp-gitops sandbox fault`.
 */
import { KKP_NAMESPACE } from '../core/kinds.js';
import { ConfigurationError } from '../core/errors.js';
import type { KubeObject } from '../emulator/kube-object.js';

import { type EmulatedCluster, startEmulator } from '../emulator/start-emulator.js';
import type { VirtualCluster } from '../emulator/virtual-cluster.js';
import { defaultSeedNames } from './example-seeds.js';
import { clusterAdmission, type KkpAdmissionOptions, seedAdmission, userAdmission } from './kkp-admission.js';
import { kkpCrds } from './kkp-crds.js';
import { DEFAULT_KKP_RELEASE, KKP_RELEASE_VERSIONS, type KkpRelease } from '../core/kkp-release.js';
import { type KkpControllers, type KkpControllersOptions, startKkpControllers } from './kkp-controllers/start-kkp-controllers.js';
import { type Kubeconfig, kubeconfigYaml, sandboxKubeconfig } from './sandbox-kubeconfig.js';
import { readSandboxState, writeSandboxState } from './sandbox-state.js';
import { SANDBOX_ADMIN_EXTENSION, type SandboxAdmin, startSandboxAdmin } from './sandbox-admin.js';

export interface SandboxOptions {
  /** Seed names. Default: the seeds of `examples/seeds/`, else `['seed-eu', 'seed-us']`. */
  readonly seeds?: readonly string[];
  /** Only loopback makes sense; default `127.0.0.1`. */
  readonly host?: '127.0.0.1';
  /** 0 (default): any free ports. Otherwise the master listens on `port`, the seeds on `port+1`, `port+2`, ... */
  readonly port?: number;
  /** Restores the clusters from this file when it exists; `stop()` writes them back. Default: no persistence. */
  readonly stateFile?: string;
  /** Interval of watch BOOKMARK events. Default 10,000 ms. */
  readonly bookmarkIntervalMs?: number;
  /** The master authenticates ServiceAccount tokens and enforces RBAC (`clusters.get('master').rbac`). Default: false. */
  readonly masterAuthorization?: boolean;
  /** The KKP release whose CRDs the clusters serve. Default: the newest. */
  readonly kkpVersion?: KkpRelease;
  /**
   * Runs the stand-ins for KKP's controllers (`kkp-controllers/`): Seeds become `Healthy`, Projects `Active`,
   * Clusters `Creating` → `Running` after `delayMs` (default 2000). Default: off (objects keep no status).
   */
  readonly kkpControllers?: KkpControllersOptions;
  /**
   * Serves the admin endpoint (`sandbox-admin.ts`) that `kkp-gitops sandbox fault` drives, and names it in the
   * kubeconfig (extension `sandbox.kkp-gitops.dev/admin` of the master's cluster entry). Default: false.
   */
  readonly admin?: boolean;
}

export interface Sandbox {
  /** One context per virtual cluster (`master`, `seed-eu`, ...), current context `master`. */
  readonly kubeconfig: Kubeconfig;
  readonly kubeconfigYaml: string;
  /** `master` first, then the seeds in the order given. */
  readonly clusters: Map<string, EmulatedCluster>;
  readonly seeds: readonly string[];
  /** The admin endpoint, when started with `admin: true`. */
  readonly admin?: { readonly url: string; readonly token: string };
  /** Writes the state file (when configured), then stops every virtual cluster. */
  stop(): Promise<void>;
}

export const MASTER = 'master';
/** The field manager of the objects the sandbox installs. */
export const SANDBOX_MANAGER = 'kkp-gitops-sandbox';

/** The Secret name holding a seed's kubeconfig in the master (`kubeconfig-<seed>` in `kubermatic`). */
export function seedKubeconfigSecretName(seed: string): string {
  return `kubeconfig-${seed}`;
}

function validateSeedNames(seeds: readonly string[]): void {
  for (const seed of seeds) {
    if (seed === MASTER || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(seed)) {
      throw new ConfigurationError(`invalid seed name "${seed}": seeds need RFC 1123 label names other than "${MASTER}"`);
    }
  }
  if (new Set(seeds).size !== seeds.length) throw new ConfigurationError(`seed names must be unique: ${seeds.join(', ')}`);
}

function install(api: VirtualCluster, object: KubeObject): void {
  const type = api.typeOf(object.apiVersion, object.kind);
  if (!type) throw new Error(`sandbox: ${object.apiVersion} ${object.kind} is not served`);
  api.apply(type, object.metadata.namespace, object.metadata.name ?? '', object, { fieldManager: SANDBOX_MANAGER, force: true });
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const seeds = [...(options.seeds ?? defaultSeedNames())];
  validateSeedNames(seeds);
  const host = options.host ?? '127.0.0.1';
  const state = options.stateFile ? readSandboxState(options.stateFile) : undefined;
  const clusters = new Map<string, EmulatedCluster>();
  const lookups: KkpAdmissionOptions = {
    master: () => clusters.get(MASTER)?.api,
    seed: (name) => clusters.get(name)?.api,
    ...(options.kkpVersion ? { kkpVersion: options.kkpVersion } : {}),
  };
  const names = [MASTER, ...seeds];
  try {
    for (const [index, name] of names.entries()) {
      const port = options.port ? options.port + index : 0;
      const admission = name === MASTER ? [seedAdmission(lookups), userAdmission(lookups)] : [clusterAdmission(name, lookups)];
      const cluster = await startEmulator({
        name,
        host,
        port,
        admission,
        ...(options.bookmarkIntervalMs ? { bookmarkIntervalMs: options.bookmarkIntervalMs } : {}),
        ...(name === MASTER && options.masterAuthorization ? { authorization: true } : {}),
      });
      clusters.set(name, cluster);
      const snapshot = state?.clusters[name];
      if (snapshot) cluster.api.restore(snapshot);
    }
  } catch (error) {
    await Promise.all([...clusters.values()].map((c) => c.stop()));
    throw new ConfigurationError(`cannot start the sandbox on ${host}${options.port ? ` ports ${options.port}-${options.port + names.length - 1}` : ''}`, { cause: error });
  }

  let admin: SandboxAdmin | undefined;
  if (options.admin) {
    try {
      admin = await startSandboxAdmin(clusters, host);
    } catch (error) {
      await Promise.all([...clusters.values()].map((c) => c.stop()));
      throw new ConfigurationError(`cannot start the sandbox's admin endpoint on ${host}`, { cause: error });
    }
  }
  const adminExtension = admin ? [{ name: SANDBOX_ADMIN_EXTENSION, extension: { server: admin.url, token: admin.token } }] : undefined;
  const kubeconfig = sandboxKubeconfig(
    names.map((name) => ({ name, url: (clusters.get(name) as EmulatedCluster).url, ...(name === MASTER && adminExtension ? { extensions: adminExtension } : {}) })),
  );
  const crds = kkpCrds(options.kkpVersion);
  for (const cluster of clusters.values()) for (const crd of crds) install(cluster.api, crd);
  const master = clusters.get(MASTER) as EmulatedCluster;
  install(master.api, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: KKP_NAMESPACE } });
  for (const seed of seeds) {
    const seedConfig = sandboxKubeconfig([{ name: seed, url: (clusters.get(seed) as EmulatedCluster).url }]);
    install(master.api, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: seedKubeconfigSecretName(seed), namespace: KKP_NAMESPACE, labels: { 'app.kubernetes.io/managed-by': SANDBOX_MANAGER } },
      type: 'Opaque',
      data: { kubeconfig: Buffer.from(kubeconfigYaml(seedConfig)).toString('base64') },
    });
  }

  const controllers: KkpControllers | undefined = options.kkpControllers
    ? startKkpControllers(
        {
          master: master.api,
          seeds: new Map(seeds.map((seed) => [seed, { api: (clusters.get(seed) as EmulatedCluster).api, url: (clusters.get(seed) as EmulatedCluster).url }])),
          kubermaticVersion: KKP_RELEASE_VERSIONS[options.kkpVersion ?? DEFAULT_KKP_RELEASE].tag,
        },
        options.kkpControllers,
      )
    : undefined;

  let stopped = false;
  return {
    kubeconfig,
    kubeconfigYaml: kubeconfigYaml(kubeconfig),
    clusters,
    seeds,
    ...(admin ? { admin: { url: admin.url, token: admin.token } } : {}),
    async stop() {
      if (stopped) return;
      stopped = true;
      controllers?.stop();
      if (options.stateFile) {
        const snapshots = Object.fromEntries([...clusters].map(([name, c]) => [name, c.api.store.snapshot()]));
        writeSandboxState(options.stateFile, { version: 1, clusters: snapshots });
      }
      await Promise.all([...clusters.values()].map((c) => c.stop()));
      await admin?.stop();
    },
  };
}

