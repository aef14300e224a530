import type { ClusterClient, TargetClients, TargetConnector } from '../apply/cluster-client.js';
import { KubeconfigSecretMissingError } from '../apply/cluster-client.js';
import { mapLimited } from '../apply/map-limited.js';
import { ConfigurationError, describeError, KkpGitopsError } from '../errors.js';
import type { KindInfo } from '../kinds.js';
import { KKP_NAMESPACE } from '../kinds.js';
import type { DesiredState, KubeconfigReference } from '../render/desired-state.js';
import { MASTER_TARGET } from '../render/desired-state.js';
import { isJsonObject, type KubeObject } from '../render/kube-object.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, REPOSITORY_LABEL, repositoryLabelValue } from '../render/managed-labels.js';
import type { LiveState, LiveTarget } from './live-state.js';
import { kindsOfTarget } from './target-kinds.js';

export interface ReadLiveStateOptions {
  /** Seeds read at the same time. Default: 16. */
  readonly seedConcurrency?: number;
  /**
   * Which Seeds say how to reach a seed. `desired`: the revision's own (a merged, trusted commit). `live`: only the
   * Seeds the master already holds in the KKP namespace, each with the kubeconfig Secret that live Seed names; a seed
   * the revision adds, or whose kubeconfig reference it changes, is not contacted at all and planned as empty
   * (`notContacted`). Pull requests plan with `live`: their content is not trusted before merge. Default: `desired`.
   */
  readonly seedAccess?: 'desired' | 'live';
}

export interface LiveRead {
  readonly live: LiveState;
  /** A client for every target that could be read, for `applyPlan`. */
  readonly clients: TargetClients;
}

/**
 * Reads what every target holds: one list per kind per target. Targets are the master, every seed of the desired
 * state, and every seed this repository manages in the master but no longer declares (so its objects can be
 * pruned). A target that cannot be read is recorded as unreachable; the others are still read. Seeds are reached
 * through the master, so when the master is unreachable every seed is too.
 */
export async function readLiveState(desired: DesiredState, connector: TargetConnector, options: ReadLiveStateOptions = {}): Promise<LiveRead> {
  const clients = new Map<string, ClusterClient>();
  const targets: LiveTarget[] = [];
  const desiredSeeds = desired.targets.filter((t) => t.target !== MASTER_TARGET);

  // A master that cannot even be configured (no kubeconfig, unknown context) is the caller's problem: it throws.
  const master = await readTarget(MASTER_TARGET, () => connector.master(), { rethrowConfiguration: true });
  targets.push(master.live);
  if (!master.live.reachable) {
    const error = `seeds are reached through the master, which is unreachable`;
    for (const seed of desiredSeeds) targets.push({ target: seed.target, reachable: false, reason: 'unreachable', error });
    return { live: { targets }, clients };
  }
  clients.set(MASTER_TARGET, master.client!);

  const seeds = new Map<string, KubeconfigReference>(desiredSeeds.map((t) => [t.target, t.kubeconfig ?? { name: '', namespace: KKP_NAMESPACE, fieldPath: 'kubeconfig' }]));
  for (const seed of removedSeeds(master.live.objects, desired)) if (!seeds.has(seed.name)) seeds.set(seed.name, seed.kubeconfig);
  if (options.seedAccess === 'live') {
    const live = new Map(master.live.objects.filter((o) => o.kind === 'Seed' && o.metadata.namespace === KKP_NAMESPACE).map((o) => [o.metadata.name, kubeconfigOf(o)]));
    for (const [name, ref] of [...seeds]) {
      const trusted = live.get(name);
      if (trusted && sameReference(trusted, ref)) continue;
      seeds.delete(name);
      targets.push({ target: name, reachable: true, objects: [], notContacted: trusted ? 'kubeconfig-changed' : 'new-seed' });
    }
  }

  const read = await mapLimited([...seeds], options.seedConcurrency ?? 16, ([name, ref]) => readTarget(name, () => connector.seed(name, ref)));
  for (const r of read) {
    targets.push(r.live);
    if (r.client) clients.set(r.live.target, r.client);
  }
  return { live: { targets }, clients };
}

async function readTarget(target: string, connect: () => Promise<ClusterClient>, options: { rethrowConfiguration?: boolean } = {}): Promise<{ live: LiveTarget; client?: ClusterClient }> {
  try {
    const client = await connect();
    const objects = await listKinds(client, kindsOfTarget(target));
    return { live: { target, reachable: true, objects }, client };
  } catch (error) {
    // Typed failures (unreachable, missing Secret, an API refusing the list) make the target unreachable;
    // anything else is a bug and surfaces.
    if (!(error instanceof KkpGitopsError) || (options.rethrowConfiguration && error instanceof ConfigurationError)) throw error;
    const reason = error instanceof KubeconfigSecretMissingError ? 'kubeconfig-secret-missing' : 'unreachable';
    return { live: { target, reachable: false, reason, error: describeError(error) } };
  }
}

/** Namespaced kinds (Seeds) are listed in the KKP namespace only: that is where KKP reads them, and all RBAC grants. */
async function listKinds(client: ClusterClient, kinds: readonly KindInfo[]): Promise<KubeObject[]> {
  const lists = await Promise.all(kinds.map((kind) => client.list(kind, kind.namespaced ? { namespace: KKP_NAMESPACE } : {})));
  return lists.flat();
}

/** Seeds in the master that this repository manages but no longer declares, with the Secret to reach them. */
function removedSeeds(masterObjects: readonly KubeObject[], desired: DesiredState): { name: string; kubeconfig: KubeconfigReference }[] {
  const label = repositoryLabelValue(desired.repository);
  const declared = new Set(desired.targets.map((t) => t.target));
  return masterObjects
    .filter((o) => o.kind === 'Seed' && !declared.has(o.metadata.name))
    .filter((o) => o.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE && o.metadata.labels?.[REPOSITORY_LABEL] === label)
    .map((o) => ({ name: o.metadata.name, kubeconfig: kubeconfigOf(o) }));
}

/** The kubeconfig Secret a live Seed names, with KKP's defaults (the Seed's namespace, key `kubeconfig`). */
function kubeconfigOf(seed: KubeObject): KubeconfigReference {
  const spec = seed['spec'];
  const ref = isJsonObject(spec) && isJsonObject(spec['kubeconfig']) ? spec['kubeconfig'] : {};
  const str = (v: unknown, fallback: string) => (typeof v === 'string' && v !== '' ? v : fallback);
  return { name: str(ref['name'], ''), namespace: str(ref['namespace'], seed.metadata.namespace ?? KKP_NAMESPACE), fieldPath: str(ref['fieldPath'], 'kubeconfig') };
}

function sameReference(a: KubeconfigReference, b: KubeconfigReference): boolean {
  return a.name === b.name && a.namespace === b.namespace && a.fieldPath === b.fieldPath;
}
