/**
 * The app's own settings, from the environment (Probot reads its own: APP_ID, PRIVATE_KEY, WEBHOOK_SECRET,
 * GHE_HOST, ...). Every variable is listed in README.md's table.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface AppConfig {
  /** `KKP_KUBECONFIG`: kubeconfig file of the KKP master. Default: `$KUBECONFIG`, `~/.kube/config`, else in-cluster. */
  readonly kubeconfigFile?: string;
  /** `KKP_CONTEXT`: the master's context in it. Default: the current context. */
  readonly context?: string;
  /** `KKP_IN_CLUSTER=true`: reach the master with the pod's service account. Default: false. */
  readonly inCluster: boolean;
  /** `KKP_GITOPS_CACHE_DIR`: where the repository mirrors live. Default: `<tmp>/kkp-gitops-mirrors`. */
  readonly cacheDir: string;
}

export function appConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const kubeconfigFile = env['KKP_KUBECONFIG'] || undefined;
  const context = env['KKP_CONTEXT'] || undefined;
  return {
    ...(kubeconfigFile ? { kubeconfigFile } : {}),
    ...(context ? { context } : {}),
    inCluster: env['KKP_IN_CLUSTER'] === 'true',
    cacheDir: env['KKP_GITOPS_CACHE_DIR'] || join(tmpdir(), 'kkp-gitops-mirrors'),
  };
}
