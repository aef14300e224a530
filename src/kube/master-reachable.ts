import { VersionApi } from '@kubernetes/client-node';
import { ClusterUnreachableError } from '../core/errors.js';
import { masterKubeConfig, type KubeConnectorOptions } from './kube-connector.js';
import { allowPlainHttp } from './object-api.js';
import { makeTimedApiClient } from './request-timeout.js';

/**
 * A readiness check for the KKP master: asks its API server for `/version` through @kubernetes/client-node.
 * Resolves when it answers; rejects with `ClusterUnreachableError` (never quoting credentials) otherwise.
 */
export function masterReachable(options: KubeConnectorOptions): () => Promise<void> {
  let api: VersionApi | undefined;
  return async () => {
    api ??= makeTimedApiClient(allowPlainHttp(masterKubeConfig(options)), VersionApi);
    try {
      await api.getCode();
    } catch (cause) {
      const code = (cause as { code?: unknown }).code;
      throw new ClusterUnreachableError('master', `the master did not answer /version${typeof code === 'string' || typeof code === 'number' ? ` (${code})` : ''}`);
    }
  };
}
