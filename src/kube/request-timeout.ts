/**
 * Every Kubernetes request ends: client-node's fetch gets an `AbortSignal` that fires after the request timeout
 * (connecting, sending, waiting for the answer and reading it all count), so a server that accepts connections and
 * never answers cannot hang a plan, an apply or a lock. The product opens no watches (it lists); were one added, it
 * would need an idle timeout of its own instead. `KKP_GITOPS_KUBE_TIMEOUT_SECONDS` sets it (default 30).
 */
import { createConfiguration, ServerConfiguration, type Configuration, type KubeConfig, type RequestContext, type ResponseContext } from '@kubernetes/client-node';
import { ConfigurationError } from '../core/errors.js';

/** Default seconds per Kubernetes request. */
export const DEFAULT_KUBE_TIMEOUT_SECONDS = 30;

/** `KKP_GITOPS_KUBE_TIMEOUT_SECONDS`, a whole number of seconds of at least 1; absent or empty: the default. */
export function kubeTimeoutSecondsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const text = env['KKP_GITOPS_KUBE_TIMEOUT_SECONDS'];
  if (text === undefined || text === '') return DEFAULT_KUBE_TIMEOUT_SECONDS;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new ConfigurationError(`KKP_GITOPS_KUBE_TIMEOUT_SECONDS must be a whole number of seconds, at least 1 (got '${text}')`);
  return value;
}

/** Gives the request a signal that aborts it after `seconds`. */
export function setRequestTimeout(context: RequestContext, seconds: number): void {
  context.setSignal(AbortSignal.timeout(seconds * 1000) as never);
}

/** Whether `error` is a request aborted by its timeout (node-fetch's `AbortError`; nothing else aborts them). */
export function isRequestTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

/**
 * `kc.makeApiClient(type)` with the request timeout on every request (the typed APIs beside the object API: Leases,
 * `/version`).
 */
export function makeTimedApiClient<T>(kc: KubeConfig, type: new (configuration: Configuration) => T, seconds: number = kubeTimeoutSecondsFromEnv()): T {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new ConfigurationError(`the kubeconfig's context '${kc.getCurrentContext()}' names no cluster`);
  const timeout = {
    pre: async (context: RequestContext) => {
      setRequestTimeout(context, seconds);
      return context;
    },
    post: async (response: ResponseContext) => response,
  };
  return new type(createConfiguration({ baseServer: new ServerConfiguration(cluster.server, {}), authMethods: { default: kc }, promiseMiddleware: [timeout] }));
}
