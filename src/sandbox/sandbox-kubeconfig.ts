/**
 * Kubeconfigs for the sandbox: one context per virtual cluster, plain http on loopback, no credentials.
 * `insecure-skip-tls-verify` is set because @kubernetes/client-node refuses http:// servers without it
 * (kubectl ignores it for http).
 */
import { stringify } from 'yaml';

export interface KubeconfigTarget {
  /** Context, cluster and user name: `master`, `seed-eu`. */
  readonly name: string;
  readonly url: string;
  /** Named extensions of the cluster entry (the sandbox's admin endpoint on the master's). */
  readonly extensions?: readonly KubeconfigExtension[];
}

export interface KubeconfigExtension {
  readonly name: string;
  readonly extension: Readonly<Record<string, string>>;
}

export interface Kubeconfig {
  apiVersion: 'v1';
  kind: 'Config';
  preferences: Record<string, never>;
  clusters: { name: string; cluster: { server: string; 'insecure-skip-tls-verify': boolean; extensions?: KubeconfigExtension[] } }[];
  users: { name: string; user: Record<string, never> }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
  'current-context': string;
}

/** A kubeconfig with one context per target; the first target is the current context. */
export function sandboxKubeconfig(targets: readonly KubeconfigTarget[]): Kubeconfig {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: targets.map((t) => ({ name: t.name, cluster: { server: t.url, 'insecure-skip-tls-verify': true, ...(t.extensions ? { extensions: [...t.extensions] } : {}) } })),
    users: targets.map((t) => ({ name: t.name, user: {} })),
    contexts: targets.map((t) => ({ name: t.name, context: { cluster: t.name, user: t.name } })),
    'current-context': targets[0]?.name ?? '',
  };
}

export function kubeconfigYaml(config: Kubeconfig): string {
  return stringify(config);
}
