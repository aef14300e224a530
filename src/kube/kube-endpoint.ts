/**
 * One cluster's HTTP endpoint, from a client-node `KubeConfig` (its current context): the server URL, a keep-alive
 * agent with the context's TLS material, and the authentication headers. Requests go over it with `node:http(s)`,
 * so connections are reused across the thousands of requests a large apply makes.
 */
import http from 'node:http';
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { ClusterUnreachableError, ConfigurationError } from '../core/errors.js';

export interface KubeEndpoint {
  readonly target: string;
  readonly server: URL;
  readonly agent: http.Agent;
  /** Authentication and impersonation headers; refreshed now and then for token helpers. */
  headers(): Promise<Record<string, string>>;
  close(): void;
}

export interface EndpointOptions {
  /** Sockets kept per cluster. Default: 16. */
  readonly maxSockets?: number;
  /** Seconds authentication headers from exec/auth-provider helpers are reused. Default: 60. */
  readonly headerTtlSeconds?: number;
}

interface HttpsOptions {
  headers?: Record<string, string | string[] | number>;
  auth?: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized?: boolean;
  servername?: string;
}

export async function kubeEndpoint(target: string, kc: KubeConfig, options: EndpointOptions = {}): Promise<KubeEndpoint> {
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  if (!cluster) throw new ConfigurationError(`${target}: the kubeconfig's context '${kc.getCurrentContext()}' names no cluster`);
  let server: URL;
  try {
    server = new URL(cluster.server);
  } catch (cause) {
    throw new ConfigurationError(`${target}: the kubeconfig's server '${cluster.server}' is not a URL`, { cause });
  }
  // client-node refuses plain-HTTP servers unless TLS verification is off; for plain HTTP there is nothing to verify.
  const authConfig = server.protocol === 'http:' && !cluster.skipTLSVerify ? withSkipTls(kc) : kc;
  const read = async (): Promise<HttpsOptions> => {
    const opts: HttpsOptions = {};
    try {
      await authConfig.applyToHTTPSOptions(opts as never);
    } catch (cause) {
      throw new ClusterUnreachableError(target, `${target}: could not prepare credentials from the kubeconfig`, { cause: redactedCause(cause) });
    }
    return opts;
  };
  const first = await read();
  const maxSockets = options.maxSockets ?? 16;
  const agent =
    server.protocol === 'http:'
      ? new http.Agent({ keepAlive: true, maxSockets })
      : new https.Agent({
          keepAlive: true,
          maxSockets,
          ...(first.ca ? { ca: first.ca } : {}),
          ...(first.cert ? { cert: first.cert } : {}),
          ...(first.key ? { key: first.key } : {}),
          ...(first.rejectUnauthorized !== undefined ? { rejectUnauthorized: first.rejectUnauthorized } : {}),
          ...(first.servername ? { servername: first.servername } : {}),
        });
  const dynamic = Boolean(user?.exec || user?.authProvider);
  const ttl = (options.headerTtlSeconds ?? 60) * 1000;
  let cached = { at: Date.now(), headers: toHeaders(first) };
  return {
    target,
    server,
    agent,
    async headers() {
      if (dynamic && Date.now() - cached.at > ttl) cached = { at: Date.now(), headers: toHeaders(await read()) };
      return cached.headers;
    },
    close: () => agent.destroy(),
  };
}

function toHeaders(opts: HttpsOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.headers ?? {})) headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
  if (opts.auth) headers['Authorization'] = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
  return headers;
}

function withSkipTls(kc: KubeConfig): KubeConfig {
  const copy = new KubeConfig();
  const cluster = kc.getCurrentCluster()!;
  const user = kc.getCurrentUser() ?? { name: 'anonymous' };
  copy.loadFromClusterAndUser({ ...cluster, skipTLSVerify: true }, user);
  return copy;
}

/** Errors from credential helpers may quote their input; keep only the kind of failure. */
function redactedCause(cause: unknown): Error {
  return new Error(cause instanceof Error ? cause.name : 'credential error');
}
