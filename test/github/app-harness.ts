/**
 * Integration harness: the real Probot server with the kkp-gitops app on a free port, the local GitHub API
 * server (with the permissions `app.yml` declares), the sandbox's master and seeds, and a test repository made
 * from `examples/` with real Git, pushed to the GitHub server's bare repository.
 */

import type { KkpRelease } from '../../src/core/kkp-release.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Probot, ProbotOctokit, Server } from 'probot';
import { parse } from 'yaml';
import { createKkpApp, type KkpApp } from '../../src/app.js';
import { KkpOctokit } from '../../src/github/retry-octokit.js';
import { createLogger } from '../../src/observability/logger.js';
import type { Metrics } from '../../src/observability/metrics.js';
import { PROBOT_WEBHOOK_PATH_UNUSED, withWebhookGuard } from '../../src/github/webhook-guard.js';
import { parseRepositoryAllowlist } from '../../src/github/repository-allowlist.js';
import { createCoordination, type CoordinationOptions } from '../../src/coordination/coordination.js';
import { createLeaseStore } from '../../src/kube/lease-client.js';
import { createKkpEngine } from '../../src/engine/kkp-engine.js';
import { createKubeConnector } from '../../src/kube/kube-connector.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { deliverWebhook, type DeliveryResult } from '../support/github-server/deliver-webhook.js';
import { startGitHubServer, type GitHubServer } from '../support/github-server/github-server.js';
import type { AppPermissions } from '../support/github-server/route.js';
import type { RepositoryRecord } from '../support/github-server/store.js';
import type { Delivery } from '../support/github-server/webhook-payloads.js';
import { exampleWorkTree } from '../support/example-work-tree.js';
import { freePort } from '../support/free-port.js';
import { deployRbacObjects, tokenKubeconfig } from '../support/deploy-rbac.js';

export interface AppHarness {
  readonly gh: GitHubServer;
  readonly sandbox: Sandbox;
  readonly repo: RepositoryRecord;
  /** Work tree of the test repository (remote: the GitHub server's bare repository). */
  readonly work: string;
  readonly app: KkpApp;
  readonly webhookUrl: string;
  /** Delivers over HTTP, signed with the app's secret (or `secret`); returns the response. */
  deliver(delivery: Delivery, secret?: string): Promise<DeliveryResult>;
  /** Delivers, then waits until the app's work is done. */
  deliverAndWait(delivery: Delivery): Promise<DeliveryResult>;
  git(...args: string[]): string;
  /** Commits everything in the work tree; returns the SHA. */
  commitAll(message: string): string;
  stop(): Promise<void>;
}

export function appPermissions(): AppPermissions {
  const manifest = parse(readFileSync(join(import.meta.dirname, '..', '..', 'app.yml'), 'utf8')) as { default_permissions: AppPermissions };
  return manifest.default_permissions;
}

export interface AppHarnessOptions {
  readonly repository?: string;
  /** `KKP_GITOPS_REPOSITORY_ALLOWLIST`. Default: the test repository. */
  readonly repositoryAllowlist?: string;
  /**
   * The sandbox master enforces RBAC, deploy/base's RBAC is applied to it, and the app reaches the master with the
   * token of deploy/base's ServiceAccount (`masterKubeconfig`). Default: false (the app is the master's administrator).
   */
  readonly deployRbac?: boolean;
  /** The KKP release whose CRDs the sandbox serves. Default: the newest. */
  readonly kkpVersion?: KkpRelease;
}

export async function startAppHarness(options: AppHarnessOptions = {}): Promise<AppHarness & { readonly masterKubeconfig: string }> {
  const sandbox = await startSandbox({ port: 0, ...(options.deployRbac ? { masterAuthorization: true } : {}), ...(options.kkpVersion ? { kkpVersion: options.kkpVersion } : {}) });
  const masterKubeconfig = options.deployRbac ? deployRbacKubeconfig(sandbox) : sandbox.kubeconfigYaml;
  const gh = await startGitHubServer({ permissions: appPermissions() });
  const repo = gh.addRepository({ owner: 'acme', name: options.repository ?? 'kkp-config' });
  const { work, git } = exampleWorkTree(repo.gitDir, 'kkp-app-work-');
  const cacheDir = mkdtempSync(join(tmpdir(), 'kkp-app-cache-'));
  const commitAll = (message: string) => {
    git('add', '-A');
    git('commit', '--quiet', '--allow-empty', '-m', message);
    return git('rev-parse', 'HEAD');
  };
  commitAll('KKP configuration');
  git('push', '--quiet', 'origin', 'main');

  const instance = await startAppInstance(gh, sandbox, { cacheDir, repositoryAllowlist: options.repositoryAllowlist ?? repo.fullName, masterKubeconfig });
  const { app, webhookUrl, deliver } = instance;
  return {
    gh,
    sandbox,
    masterKubeconfig,
    repo,
    work,
    app,
    webhookUrl,
    deliver,
    async deliverAndWait(delivery) {
      const result = await deliver(delivery);
      await app.idle();
      return result;
    },
    git,
    commitAll,
    async stop() {
      await instance.stop();
      await gh.stop();
      await sandbox.stop();
      rmSync(work, { recursive: true, force: true });
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}

/** Applies deploy/base's RBAC to the sandbox master; a kubeconfig with its ServiceAccount's token. */
function deployRbacKubeconfig(sandbox: Sandbox): string {
  const master = sandbox.clusters.get('master')!;
  for (const object of deployRbacObjects()) {
    const type = master.api.typeOf(object.apiVersion, object.kind)!;
    master.api.apply(type, object.metadata.namespace, object.metadata.name, object, { fieldManager: 'kubectl', force: true });
  }
  const account = deployRbacObjects().find((o) => o.kind === 'ServiceAccount')!;
  return tokenKubeconfig(master.url, master.rbac!.issueServiceAccountToken(account.metadata.namespace!, account.metadata.name));
}

export interface AppInstance {
  readonly app: KkpApp;
  readonly webhookUrl: string;
  /** Delivers over HTTP, signed with the app's secret (or `secret`); returns the response. */
  deliver(delivery: Delivery, secret?: string): Promise<DeliveryResult>;
  /** Waits for the app's work, stops recovery, releases its locks, stops the server. */
  stop(): Promise<void>;
}

export interface AppInstanceOptions {
  /** Mirror folder of this instance. */
  readonly cacheDir: string;
  /** Lock settings (holder identity, lease duration, clock, ...); the Leases are the sandbox master's. */
  readonly coordination?: Omit<CoordinationOptions, 'leases'>;
  /** `KKP_GITOPS_REPOSITORY_ALLOWLIST`. Default: `acme/*`. */
  readonly repositoryAllowlist?: string;
  /** How the app reaches the master (its engine and its Leases). Default: the sandbox's kubeconfig. */
  readonly masterKubeconfig?: string;
  /** Restart recovery on load. Default: false (tests call `app.recover()`). */
  readonly recovery?: boolean;
  /** Where the app records its metrics. Default: nowhere. */
  readonly metrics?: Metrics;
}

/**
 * One kkp-gitops process as a Probot server on a free port, against the GitHub server and the sandbox: a test may
 * start several (replicas, each with its own queue, mirrors and lock holder identity).
 */
export async function startAppInstance(gh: GitHubServer, sandbox: Sandbox, options: AppInstanceOptions): Promise<AppInstance> {
  const app = createKkpApp({
    config: { cacheDir: options.cacheDir, inCluster: false, repositoryAllowlist: parseRepositoryAllowlist(options.repositoryAllowlist ?? 'acme/*') },
    engine: createKkpEngine({ connect: () => createKubeConnector({ kubeconfig: options.masterKubeconfig ?? sandbox.kubeconfigYaml }) }),
    coordination: createCoordination({ ...options.coordination, leases: createLeaseStore({ kubeconfig: options.masterKubeconfig ?? sandbox.kubeconfigYaml }) }),
    recovery: options.recovery ?? false,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    // Tests call `app.checkDrift()`.
    drift: false,
  });
  // Probot's write throttling (1 s between writes, 3 s between comments) is for github.com, not for tests.
  // A function default sees Probot's final options, so it wins over the throttle options Probot adds.
  // KkpOctokit as in production: Octokit's own blind retry off, GitHub failures retried by the app's GitHub port.
  const Octokit = KkpOctokit.defaults((options: Record<string, unknown>) => ({ ...options, throttle: { ...(options['throttle'] as object), enabled: false } }));
  // Probot's Server treats port 0 as "default 3000": pick a free port first.
  const port = await freePort();
  const server = new Server({
    Probot: Probot.defaults({ appId: gh.app.appId, privateKey: gh.app.privateKey, secret: gh.app.webhookSecret, baseUrl: gh.apiUrl, Octokit, logLevel: 'fatal' }),
    port,
    host: '127.0.0.1',
    // As `kkp-gitops serve` wires it: the webhook guard answers the webhook path, Probot's middleware none.
    webhookPath: PROBOT_WEBHOOK_PATH_UNUSED,
    // Quiet: the server and the app log through it (a Probot's own `log` is only made once it is initialised, so
    // the Server would otherwise fall back to Probot's default logger at level info, printing expected errors).
    log: createLogger({ level: 'silent' }),
  });
  await server.load(withWebhookGuard(app.appFn, { secret: gh.app.webhookSecret }));
  await server.start();
  const webhookUrl = `http://127.0.0.1:${server.port}/api/github/webhooks`;

  return {
    app,
    webhookUrl,
    deliver: (delivery, secret = gh.app.webhookSecret) => deliverWebhook(webhookUrl, secret, delivery),
    async stop() {
      await app.idle();
      await app.releaseLocks();
      await server.stop();
    },
  };
}
