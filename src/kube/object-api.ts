/**
 * One cluster's `KubernetesObjectApi` (@kubernetes/client-node) from a KubeConfig's current context. client-node
 * applies the context's authentication to every request; a middleware then hands the request a keep-alive agent
 * carrying the same TLS material, so the thousands of requests of a large apply reuse their connections, and a
 * timeout (see `request-timeout.ts`).
 */
import http from 'node:http';
import https from 'node:https';
import {
  createConfiguration,
  KubeConfig,
  KubernetesObjectApi,
  ServerConfiguration,
  type Configuration,
  type RequestContext,
  type ResponseContext,
  type V1APIResource,
} from '@kubernetes/client-node';
import { ClusterUnreachableError, ConfigurationError } from '../core/errors.js';
import { kubeTimeoutSecondsFromEnv, setRequestTimeout } from './request-timeout.js';

const APPLY_PATCH = 'application/apply-patch+yaml';

export interface ObjectApiOptions {
  /** Sockets kept per cluster. Default: 16. */
  readonly maxSockets?: number;
  /** Seconds each request may take, connecting and reading the answer included. Default: `KKP_GITOPS_KUBE_TIMEOUT_SECONDS`, else 30. */
  readonly timeoutSeconds?: number;
}

export interface ClusterApi {
  readonly target: string;
  readonly server: string;
  readonly api: KubernetesObjectApi;
  /** Seconds each request may take. */
  readonly timeoutSeconds: number;
  /** The context's configuration (plain HTTP allowed), for requests the object API does not make (watches). */
  readonly kubeConfig: KubeConfig;
  close(): void;
}

interface TlsOptions {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized?: boolean;
  servername?: string;
}

export async function objectApiFor(target: string, kc: KubeConfig, options: ObjectApiOptions = {}): Promise<ClusterApi> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new ConfigurationError(`${target}: the kubeconfig's context '${kc.getCurrentContext()}' names no cluster`);
  let server: URL;
  try {
    server = new URL(cluster.server);
  } catch (cause) {
    throw new ConfigurationError(`${target}: the kubeconfig's server '${cluster.server}' is not a URL`, { cause });
  }
  const config = allowPlainHttp(kc);
  const tls: TlsOptions = {};
  try {
    await config.applyToHTTPSOptions(tls as never);
  } catch (cause) {
    throw new ClusterUnreachableError(target, `${target}: could not prepare credentials from the kubeconfig`, { cause: redactedCause(cause) });
  }
  const maxSockets = options.maxSockets ?? 16;
  const agent =
    server.protocol === 'http:'
      ? new http.Agent({ keepAlive: true, maxSockets })
      : new https.Agent({
          keepAlive: true,
          maxSockets,
          ...(tls.ca ? { ca: tls.ca } : {}),
          ...(tls.cert ? { cert: tls.cert } : {}),
          ...(tls.key ? { key: tls.key } : {}),
          ...(tls.rejectUnauthorized !== undefined ? { rejectUnauthorized: tls.rejectUnauthorized } : {}),
          ...(tls.servername ? { servername: tls.servername } : {}),
        });
  const timeoutSeconds = options.timeoutSeconds ?? kubeTimeoutSecondsFromEnv();
  const reuseConnections = {
    pre: async (context: RequestContext) => {
      context.setAgent(agent);
      setRequestTimeout(context, timeoutSeconds);
      // Every server-side apply is strict about fields: an unknown field is refused, never silently pruned
      // (client-node's patch has no fieldValidation parameter).
      if (context.getHeaders()['Content-Type'] === APPLY_PATCH) context.setQueryParam('fieldValidation', 'Strict');
      return context;
    },
    post: async (response: ResponseContext) => response,
  };
  const api = new SharedDiscoveryObjectApi(
    createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: config },
      promiseMiddleware: [reuseConnections],
    }),
  );
  return { target, server: server.origin, api, timeoutSeconds, kubeConfig: config, close: () => agent.destroy() };
}

/**
 * client-node discovers a group version's resources on first use and caches them, but concurrent first calls (the
 * lists of every kind of a target run together) each discover again. This shares the first discovery per group
 * version, so a target costs one discovery request per group version, not one per kind.
 */
class SharedDiscoveryObjectApi extends KubernetesObjectApi {
  private readonly discovering = new Map<string, Promise<unknown>>();

  protected override async resource(apiVersion: string, kind: string, options?: Configuration): Promise<V1APIResource | undefined> {
    if (!this.apiVersionResourceCache[apiVersion]) {
      const first = this.discovering.get(apiVersion);
      if (!first) {
        const discovery = super.resource(apiVersion, kind, options).finally(() => this.discovering.delete(apiVersion));
        this.discovering.set(apiVersion, discovery);
        return discovery;
      }
      await first.catch(() => undefined);
    }
    return super.resource(apiVersion, kind, options);
  }
}

/**
 * client-node refuses plain-HTTP servers unless TLS verification is off; over plain HTTP there is nothing to verify.
 * Returns the KubeConfig as it is for HTTPS servers, and a copy that skips verification for plain-HTTP ones.
 */
export function allowPlainHttp(kc: KubeConfig): KubeConfig {
  const cluster = kc.getCurrentCluster();
  if (!cluster || !cluster.server.startsWith('http:') || cluster.skipTLSVerify) return kc;
  const copy = new KubeConfig();
  copy.loadFromClusterAndUser({ ...cluster, skipTLSVerify: true }, kc.getCurrentUser() ?? { name: 'anonymous' });
  return copy;
}

/** Errors from credential helpers may quote their input; keep only the kind of failure. */
function redactedCause(cause: unknown): Error {
  return new Error(cause instanceof Error ? cause.name : 'credential error');
}
