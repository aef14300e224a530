/**
 * The production `TargetConnector`: the master from a kubeconfig (file, text or object, a context) or the
 * in-cluster service account; each seed the way KKP reaches it, with the kubeconfig stored in the Secret that its
 * Seed's `spec.kubeconfig` references in the master. Secret values stay inside this module: never logged, never
 * in an error message.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import type { ClusterClient, TargetConnector } from '../core/apply/cluster-client.js';
import { KubeconfigSecretMissingError } from '../core/apply/cluster-client.js';
import { ClusterUnreachableError, ConfigurationError, describeError } from '../core/errors.js';
import type { KubeconfigReference } from '../core/render/desired-state.js';
import { MASTER_TARGET } from '../core/render/desired-state.js';
import { isJsonObject, type KubeObject } from '../core/render/kube-object.js';
import type { ResourceKind } from '../core/apply/cluster-client.js';
import { clientNodeClusterClient } from './client-node-cluster-client.js';
import { objectApiFor, type ClusterApi } from './object-api.js';

/** Core v1 Secrets, which the connector reads to reach seeds. */
const SECRET_KIND: ResourceKind = { apiVersion: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true };

export interface KubeConnectorOptions {
  /** A kubeconfig as YAML/JSON text or as a plain object (the sandbox's). Wins over `kubeconfigFile`. */
  readonly kubeconfig?: string | object;
  /** Path of a kubeconfig file. Default: `$KUBECONFIG`, `~/.kube/config`, else the in-cluster service account. */
  readonly kubeconfigFile?: string;
  /** Use the in-cluster service account for the master. Default: false. */
  readonly inCluster?: boolean;
  /** Context of the master in the kubeconfig. Default: its current context. */
  readonly context?: string;
  /** Sockets kept per cluster. Default: 16. */
  readonly maxSockets?: number;
}

export function createKubeConnector(options: KubeConnectorOptions = {}): TargetConnector {
  const endpoints: ClusterApi[] = [];
  let master: Promise<ClusterClient> | undefined;
  const secrets = new Map<string, Promise<Map<string, KubeObject>>>();

  const connect = async (target: string, kc: KubeConfig): Promise<ClusterClient> => {
    const endpoint = await objectApiFor(target, kc, options.maxSockets !== undefined ? { maxSockets: options.maxSockets } : {});
    endpoints.push(endpoint);
    return clientNodeClusterClient(endpoint);
  };
  const getMaster = () => (master ??= connect(MASTER_TARGET, masterKubeConfig(options)));
  /** One list of Secrets per namespace, shared by every seed that needs one. */
  const secretsIn = (namespace: string) => {
    let list = secrets.get(namespace);
    if (!list) {
      list = getMaster()
        .then((m) => m.list(SECRET_KIND, { namespace }))
        .then((items) => new Map(items.map((s) => [s.metadata.name, s])));
      secrets.set(namespace, list);
    }
    return list;
  };

  return {
    master: getMaster,
    async seed(name: string, ref: KubeconfigReference): Promise<ClusterClient> {
      const where = `${ref.namespace}/${ref.name}`;
      if (ref.name === '') throw new KubeconfigSecretMissingError(name, `the Seed '${name}' names no kubeconfig Secret`);
      const secret = (await secretsIn(ref.namespace)).get(ref.name);
      if (!secret) throw new KubeconfigSecretMissingError(name, `the kubeconfig Secret ${where} of seed '${name}' does not exist in the master`);
      const data = secret['data'] as Record<string, string> | undefined;
      const encoded = data?.[ref.fieldPath];
      if (typeof encoded !== 'string') throw new KubeconfigSecretMissingError(name, `the kubeconfig Secret ${where} of seed '${name}' has no key '${ref.fieldPath}'`);
      return connect(name, seedConfig(name, where, Buffer.from(encoded, 'base64').toString('utf8')));
    },
    close() {
      for (const e of endpoints) e.close();
    },
  };
}

/** The master's KubeConfig, as the connector reaches it: explicit text/object, in-cluster, a file, or the default. */
export function masterKubeConfig(options: KubeConnectorOptions): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (options.kubeconfig !== undefined) kc.loadFromString(typeof options.kubeconfig === 'string' ? options.kubeconfig : JSON.stringify(options.kubeconfig));
    else if (options.inCluster) kc.loadFromCluster();
    else if (options.kubeconfigFile !== undefined) kc.loadFromFile(options.kubeconfigFile);
    else kc.loadFromDefault();
  } catch (cause) {
    const from = options.kubeconfigFile ? `the kubeconfig file ${options.kubeconfigFile}` : 'the kubeconfig';
    throw new ConfigurationError(`cannot read ${from}: ${describeError(cause).split('\n')[0]}`);
  }
  if (options.context !== undefined) {
    if (!kc.getContexts().some((c) => c.name === options.context)) {
      throw new ConfigurationError(`the kubeconfig has no context '${options.context}' (it has: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'})`);
    }
    kc.setCurrentContext(options.context);
  }
  if (!kc.getCurrentCluster()) throw new ConfigurationError('the kubeconfig has no current context; name the master with --context');
  return kc;
}

/** Kubeconfig keys that make a client read a local file: the pod's own ServiceAccount token, keys, certificates. */
const USER_FILE_KEYS = ['token-file', 'tokenFile', 'client-certificate', 'client-key'];
/** Kubeconfig keys that run a plugin (a command, or a provider reading files and calling out). */
const USER_PLUGIN_KEYS = ['exec', 'auth-provider'];
const CLUSTER_FILE_KEYS = ['certificate-authority'];

/**
 * Refuses a seed kubeconfig that names local files or plugins, in any of its users or clusters, before the client
 * library sees it: it reads `token-file` while parsing, so the check must come first. Only inline data is used.
 */
function refuseLocalReferences(seed: string, where: string, text: string): void {
  let document: unknown;
  try {
    document = parseYaml(text, { maxAliasCount: 0 });
  } catch {
    throw new ClusterUnreachableError(seed, `the kubeconfig in Secret ${where} of seed '${seed}' is not a valid kubeconfig`);
  }
  const entries = (list: unknown, key: string): Record<string, unknown>[] =>
    Array.isArray(list) ? list.flatMap((e) => (isJsonObject(e) && isJsonObject(e[key]) ? [e[key] as Record<string, unknown>] : [])) : [];
  const top = isJsonObject(document) ? document : {};
  const refuse = (what: string) => {
    throw new ClusterUnreachableError(seed, `the kubeconfig in Secret ${where} of seed '${seed}' ${what}; seed kubeconfigs must hold their credentials inline (token, client-certificate-data, client-key-data, certificate-authority-data)`);
  };
  for (const user of entries(top['users'], 'user')) {
    const plugin = USER_PLUGIN_KEYS.find((k) => user[k] !== undefined && user[k] !== null);
    if (plugin) refuse(`uses a credential helper (${plugin})`);
    const file = USER_FILE_KEYS.find((k) => typeof user[k] === 'string' && user[k] !== '');
    if (file) refuse(`names a local file (${file})`);
  }
  for (const cluster of entries(top['clusters'], 'cluster')) {
    const file = CLUSTER_FILE_KEYS.find((k) => typeof cluster[k] === 'string' && cluster[k] !== '');
    if (file) refuse(`names a local file (${file})`);
  }
}

/**
 * A seed's kubeconfig from its Secret. Like KKP, only static credentials are accepted: exec and auth-provider helpers
 * would run commands named by cluster data, and file paths would make the bot read (and send) its own files. Parse
 * errors are reported without quoting the text.
 */
function seedConfig(seed: string, where: string, text: string): KubeConfig {
  refuseLocalReferences(seed, where, text);
  const kc = new KubeConfig();
  try {
    kc.loadFromString(text);
  } catch {
    throw new ClusterUnreachableError(seed, `the kubeconfig in Secret ${where} of seed '${seed}' is not a valid kubeconfig`);
  }
  if (!kc.getCurrentContext() && kc.getContexts().length === 1) kc.setCurrentContext(kc.getContexts()[0]!.name);
  if (!kc.getCurrentCluster()) throw new ClusterUnreachableError(seed, `the kubeconfig in Secret ${where} of seed '${seed}' has no current context`);
  const user = kc.getCurrentUser();
  if (user?.exec || user?.authProvider) {
    throw new ClusterUnreachableError(seed, `the kubeconfig in Secret ${where} of seed '${seed}' uses a credential helper; seeds need static credentials`);
  }
  if (user?.certFile || user?.keyFile || kc.getCurrentCluster()?.caFile) {
    throw new ClusterUnreachableError(seed, `the kubeconfig in Secret ${where} of seed '${seed}' names a local file; seeds need inline credentials`);
  }
  return kc;
}
