/**
 * The app's own settings, from the environment (Probot reads its own: APP_ID, PRIVATE_KEY, WEBHOOK_SECRET,
 * GHE_HOST, ...). Every variable is listed in README.md's table.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '../core/errors.js';
import { parseRepositoryAllowlist, type RepositoryAllowlist } from './repository-allowlist.js';

export interface AppConfig {
  /**
   * `KKP_GITOPS_REPOSITORY_ALLOWLIST` (required): the repositories served, comma-separated `owner/name` globs
   * (Atlantis' `--repo-allowlist`). Deliveries for any other repository are acknowledged and ignored.
   */
  readonly repositoryAllowlist: RepositoryAllowlist;
  /** `KKP_KUBECONFIG`: kubeconfig file of the KKP master. Default: `$KUBECONFIG`, `~/.kube/config`, else in-cluster. */
  readonly kubeconfigFile?: string;
  /** `KKP_CONTEXT`: the master's context in it. Default: the current context. */
  readonly context?: string;
  /** `KKP_IN_CLUSTER=true`: reach the master with the pod's service account. Default: false. */
  readonly inCluster: boolean;
  /** `KKP_GITOPS_CACHE_DIR`: where the repository mirrors live. Default: `<tmp>/kkp-gitops-mirrors`. */
  readonly cacheDir: string;
  /** `KKP_GITOPS_LEASE_DURATION_SECONDS`: how long a dead replica keeps a repository's lock. Default: 30. */
  readonly leaseDurationSeconds?: number;
  /** `KKP_GITOPS_LOCK_WAIT_SECONDS`: how long a reconcile waits for another replica's lock. Default: 300. */
  readonly lockWaitSeconds?: number;
  /** `KKP_GITOPS_RECOVERY_INTERVAL_SECONDS`: restart recovery runs on start and then this often; 0: on start only. Default: 300. */
  readonly recoveryIntervalSeconds?: number;
  /** `KKP_GITOPS_DRIFT_INTERVAL_SECONDS`: the default branches are checked for drift this often; 0: never. Default: 600. */
  readonly driftIntervalSeconds?: number;
  /**
   * `KKP_GITOPS_HEALTH_WAIT` (`on` or `off`): wait after applying each target until KKP reports it healthy, where the
   * repository's `spec.rollout.wait` asks for it. Off for a KKP whose controllers write no status. Default: on (here:
   * off when left out, as in-process tests build the configuration by hand).
   */
  readonly healthWait?: boolean;
}

export function appConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const kubeconfigFile = env['KKP_KUBECONFIG'] || undefined;
  const context = env['KKP_CONTEXT'] || undefined;
  return {
    repositoryAllowlist: parseRepositoryAllowlist(env['KKP_GITOPS_REPOSITORY_ALLOWLIST']),
    ...(kubeconfigFile ? { kubeconfigFile } : {}),
    ...(context ? { context } : {}),
    inCluster: env['KKP_IN_CLUSTER'] === 'true',
    cacheDir: env['KKP_GITOPS_CACHE_DIR'] || join(tmpdir(), 'kkp-gitops-mirrors'),
    ...seconds(env, 'KKP_GITOPS_LEASE_DURATION_SECONDS', 'leaseDurationSeconds', 1),
    ...seconds(env, 'KKP_GITOPS_LOCK_WAIT_SECONDS', 'lockWaitSeconds', 0),
    ...seconds(env, 'KKP_GITOPS_RECOVERY_INTERVAL_SECONDS', 'recoveryIntervalSeconds', 0),
    ...seconds(env, 'KKP_GITOPS_DRIFT_INTERVAL_SECONDS', 'driftIntervalSeconds', 0),
    healthWait: onOff(env, 'KKP_GITOPS_HEALTH_WAIT', true),
  };
}

/** `on`/`off` (also `true`/`false`); absent or empty: `fallback`. */
function onOff(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  if (text === 'on' || text === 'true') return true;
  if (text === 'off' || text === 'false') return false;
  throw new ConfigurationError(`${name} must be on or off (got '${text}')`);
}

/** A whole number of seconds from `name`, at least `min`; absent or empty: left to the default. */
function seconds<K extends string>(env: NodeJS.ProcessEnv, name: string, key: K, min: number): { [P in K]?: number } {
  const text = env[name];
  if (text === undefined || text === '') return {};
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new ConfigurationError(`${name} must be a whole number of seconds, at least ${min} (got '${text}')`);
  return { [key]: value } as { [P in K]?: number };
}
