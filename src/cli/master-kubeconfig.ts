import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ConfigurationError } from '../core/errors.js';
import { masterKubeConfig, type KubeConnectorOptions } from '../kube/kube-connector.js';

export interface MasterKubeconfigArgs {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly inCluster: boolean;
}

export interface MasterKubeconfig {
  readonly options: KubeConnectorOptions;
  /** What is used, for a person: `context "master" of the kubeconfig .sandbox/kubeconfig (--kubeconfig)`. */
  readonly description: string;
}

/**
 * Which kubeconfig and context reach the master, as kubectl chooses them: `--in-cluster`, else `--kubeconfig`,
 * else `$KUBECONFIG`, else `~/.kube/config`. Fails when none of those exists (instead of silently trying
 * `http://localhost:8080`) or the context is unknown.
 */
export function resolveMasterKubeconfig(args: MasterKubeconfigArgs, env: NodeJS.ProcessEnv = process.env, home: string = homedir()): MasterKubeconfig {
  if (args.inCluster) return { options: { inCluster: true }, description: "the pod's service account (--in-cluster)" };
  const context = args.context !== undefined ? { context: args.context } : {};
  let options: KubeConnectorOptions;
  let origin: string;
  if (args.kubeconfig !== undefined) {
    options = { kubeconfigFile: args.kubeconfig, ...context };
    origin = `${args.kubeconfig} (--kubeconfig)`;
  } else if (env['KUBECONFIG']) {
    const files = env['KUBECONFIG'].split(delimiter).filter((f) => f !== '');
    if (!files.some((f) => existsSync(f))) throw new ConfigurationError(`no kubeconfig: $KUBECONFIG names ${files.join(', ')}, which does not exist; give --kubeconfig FILE`);
    options = files.length === 1 ? { kubeconfigFile: files[0]!, ...context } : { ...context };
    origin = `${env['KUBECONFIG']} ($KUBECONFIG)`;
  } else {
    const file = join(home, '.kube', 'config');
    if (!existsSync(file)) {
      throw new ConfigurationError(
        `no kubeconfig: no --kubeconfig, $KUBECONFIG is unset and ${file} does not exist; give --kubeconfig FILE (npx kkp-gitops sandbox writes .sandbox/kubeconfig) or --in-cluster`,
      );
    }
    options = { kubeconfigFile: file, ...context };
    origin = `${file} (the default)`;
  }
  const kc = masterKubeConfig(options);
  return { options, description: `context "${kc.getCurrentContext()}" of the kubeconfig ${origin}` };
}
