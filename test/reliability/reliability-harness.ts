/**
 * The landscape of the fault-injection tests: the local GitHub API server (with the permissions `app.yml`
 * declares), the sandbox's master and seeds, the test repository made from `examples/` and pushed to the GitHub
 * server, and any number of real bot processes (`test/support/bot-process.ts`) pointed at both. Deliveries go over
 * HTTP, signed; the bots run out of process, so completion is observed on GitHub (deployment and commit statuses,
 * comments, check runs), never awaited in process.
 */

import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appPermissions } from '../github/app-harness.js';
import { exampleWorkTree } from '../support/example-work-tree.js';
import { APPLY_STATUS_CONTEXT, environmentOf } from '../../src/github/deploy-push.js';
import { RECORD_ANNOTATIONS, REPOSITORY_LEASE_LABELS } from '../../src/coordination/applied-record.js';
import { KKP_NAMESPACE } from '../../src/core/kinds.js';
import type { KubeObject } from '../../src/emulator/kube-object.js';
import type { RequestRecord } from '../../src/emulator/request-log.js';
import { MASTER, startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import { afterEach, beforeAll, beforeEach } from 'vitest';
import { createBotProcess, ensureBuilt, stopAllBots, type BotProcess, type BotProcessOptions } from '../support/bot-process.js';
import { deliverWebhook, type DeliveryResult } from '../support/github-server/deliver-webhook.js';
import { startGitHubServer, type GitHubServer } from '../support/github-server/github-server.js';
import type { DeploymentRecord, PullRequestRecord, RepositoryRecord } from '../support/github-server/store.js';
import { pushDelivery, type Delivery } from '../support/github-server/webhook-payloads.js';
import { compareWithSandbox, desiredAt, type Convergence } from './cluster-convergence.js';

/** A Cluster on seed-eu. */
export const CLUSTER_FILE = 'projects/webshop7k2/clusters/shop-staging-eu.yaml';
/** A Cluster on seed-us. */
export const SEED_US_CLUSTER_FILE = 'projects/datalake3q/clusters/lake-query-us.yaml';
/**
 * Short coordination timings for the bots (`src/github/app-config.ts`): a dead holder's lease expires after 3 s,
 * recovery runs on start and every 2 s, a reconcile waits up to 30 s for another holder's lock.
 */
export const RECOVERY_ENV: Readonly<Record<string, string>> = {
  KKP_GITOPS_LEASE_DURATION_SECONDS: '3',
  KKP_GITOPS_RECOVERY_INTERVAL_SECONDS: '2',
  KKP_GITOPS_LOCK_WAIT_SECONDS: '30',
};
const FINAL_DEPLOYMENT_STATES = ['success', 'failure', 'error', 'inactive'];
const FINAL_COMMIT_STATES = ['success', 'failure', 'error'];

export interface ReliabilityHarness {
  readonly gh: GitHubServer;
  readonly sandbox: Sandbox;
  readonly repo: RepositoryRecord;
  /** Work tree of the test repository (remote `origin`: the GitHub server's bare repository). */
  readonly work: string;
  readonly bots: BotProcess[];
  /** Creates (not starts) a bot process pointed at this landscape. */
  bot(options?: Omit<BotProcessOptions, 'gh' | 'sandbox'>): BotProcess;
  /** Delivers to one bot, signed with the app's secret; `id` is the delivery id (default: a new one). */
  deliver(bot: BotProcess, delivery: Delivery, id?: string): Promise<DeliveryResult>;
  git(...args: string[]): string;
  /** Commits the work tree on `main` and pushes it; returns `{ before, after }`. */
  commitAndPush(message: string, change: () => void): { before: string; after: string };
  /** The push delivery of `main` from `before` to `after`. */
  push(before: string, after: string): Delivery;
  /** Replaces a match in a work-tree file (throws when `from` is not found). */
  edit(path: string, from: RegExp, to: string): void;
  /** Deployments of `sha`, by environment. */
  deploymentsOf(sha: string): DeploymentRecord[];
  /** Commit statuses `kkp-gitops/apply` of `sha`, oldest first. */
  applyStatuses(sha: string): string[];
  /** Waits until `sha`'s apply status is final and every deployment of it has a final status. */
  waitForDeploy(sha: string, timeoutMs?: number): Promise<void>;
  /** Desired objects of `sha` versus the sandbox's live ones. */
  convergence(sha: string): Promise<Convergence>;
  /** Edits one object on every target: the User alice (master), a Cluster on seed-eu and one on seed-us. */
  changeEverywhere(tag: string): void;
  /** Waits until cluster `name` has answered a request matching `match` (e.g. `{ verb: 'patch' }`) after index `since`. */
  waitForRequest(name: string, match: Partial<RequestRecord>, options?: { since?: number; timeoutMs?: number }): Promise<void>;
  /** Branches from `main`, changes the work tree, commits, pushes the branch, opens a pull request (then back on `main`). */
  openPullRequest(branch: string, change: () => void): PullRequestRecord;
  /** Waits until the GitHub server has seen no request for `quietMs` (the bots are done talking to it). */
  waitForGitHubQuiet(quietMs?: number, timeoutMs?: number): Promise<void>;
  /** The repository's Lease in the master's `kubermatic` namespace (read in process), if any. */
  lease(): KubeObject | undefined;
  /** An annotation of the applied-commit record on the repository's Lease (`RECORD_ANNOTATIONS`). */
  record(key: keyof typeof RECORD_ANNOTATIONS): string | undefined;
  /** Kills every bot, stops the servers, removes the temporary folders. */
  stop(): Promise<void>;
}

/** Polls `check` every 50 ms until it returns true; throws with `describe()` after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface ReliabilityHarnessOptions {
  readonly seeds?: readonly string[];
  /** Run the sandbox's KKP controllers (status of Seeds, Clusters, Projects; the health fault annotation). */
  readonly kkpControllers?: SandboxOptions['kkpControllers'];
}

export async function startReliabilityHarness(options: ReliabilityHarnessOptions = {}): Promise<ReliabilityHarness> {
  const sandbox = await startSandbox({ port: 0, ...(options.seeds ? { seeds: options.seeds } : {}), ...(options.kkpControllers ? { kkpControllers: options.kkpControllers } : {}) });
  const gh = await startGitHubServer({ permissions: appPermissions() });
  const repo = gh.addRepository({ owner: 'acme', name: 'kkp-config' });
  const { work, git } = exampleWorkTree(repo.gitDir, 'kkp-reliability-work-');
  git('add', '-A');
  git('commit', '--quiet', '-m', 'KKP configuration');
  git('push', '--quiet', 'origin', 'main');
  const bots: BotProcess[] = [];

  const h: ReliabilityHarness = {
    gh,
    sandbox,
    repo,
    work,
    bots,
    bot(botOptions = {}) {
      const bot = createBotProcess({ gh, sandbox, name: `bot-${bots.length + 1}`, ...botOptions });
      bots.push(bot);
      return bot;
    },
    deliver(bot, delivery, id) {
      return deliverWebhook(bot.webhookUrl, gh.app.webhookSecret, delivery, id);
    },
    git,
    commitAndPush(message, change) {
      const before = git('rev-parse', 'HEAD');
      change();
      git('add', '-A');
      git('commit', '--quiet', '--allow-empty', '-m', message);
      git('push', '--quiet', 'origin', 'main');
      return { before, after: git('rev-parse', 'HEAD') };
    },
    push(before, after) {
      return pushDelivery(gh, repo, 'main', before, 'octocat', after);
    },
    edit(path, from, to) {
      const file = join(work, path);
      const text = readFileSync(file, 'utf8');
      if (!from.test(text)) throw new Error(`${from} not found in ${path}`);
      writeFileSync(file, text.replace(from, to));
    },
    deploymentsOf(sha) {
      return gh.store.deployments.filter((d) => d.sha === sha).sort((a, b) => a.environment.localeCompare(b.environment));
    },
    applyStatuses(sha) {
      return gh.store.statuses.filter((s) => s.sha === sha && s.context === APPLY_STATUS_CONTEXT).map((s) => s.state);
    },
    async waitForDeploy(sha, timeoutMs = 90_000) {
      const targets = ['master', ...sandbox.seeds].map(environmentOf);
      await waitFor(
        () => {
          const states = h.applyStatuses(sha);
          if (!FINAL_COMMIT_STATES.includes(states.at(-1) ?? '')) return false;
          const deployments = h.deploymentsOf(sha);
          return targets.every((env) => deployments.some((d) => d.environment === env)) && deployments.every((d) => FINAL_DEPLOYMENT_STATES.includes(d.statuses.at(-1)?.state ?? ''));
        },
        timeoutMs,
        () => `deploy of ${sha.slice(0, 7)}: apply statuses [${h.applyStatuses(sha).join(', ')}], deployments ${JSON.stringify(h.deploymentsOf(sha).map((d) => [d.environment, d.statuses.map((s) => s.state)]))}\n${bots.map((b) => b.output(4_000)).join('\n')}`,
      );
    },
    async convergence(sha) {
      return compareWithSandbox(await desiredAt(work, sha, repo.fullName), sandbox);
    },
    changeEverywhere(tag) {
      h.edit('users/alice.yaml', /name: Alice .*/, `name: Alice ${tag}`);
      h.edit(CLUSTER_FILE, /humanReadableName: .*/, `humanReadableName: Shop staging ${tag}`);
      h.edit(SEED_US_CLUSTER_FILE, /humanReadableName: .*/, `humanReadableName: Lake query ${tag}`);
    },
    async waitForRequest(name, match, { since = 0, timeoutMs = 90_000 } = {}) {
      const cluster = sandbox.clusters.get(name);
      if (!cluster) throw new Error(`no cluster ${name} in the sandbox`);
      const keys = Object.keys(match) as (keyof RequestRecord)[];
      await waitFor(
        () => cluster.requests.entries.slice(since).some((r) => keys.every((k) => r[k] === match[k])),
        timeoutMs,
        () => `no ${JSON.stringify(match)} request on ${name}\n${bots.map((b) => b.output(4_000)).join('\n')}`,
      );
    },
    openPullRequest(branch, change) {
      git('checkout', '--quiet', '-B', branch, 'main');
      change();
      git('add', '-A');
      git('commit', '--quiet', '-m', `change ${branch}`);
      git('push', '--quiet', '--force', 'origin', branch);
      git('checkout', '--quiet', 'main');
      return gh.openPullRequest({ repository: repo, headRef: branch, user: 'alice' });
    },
    async waitForGitHubQuiet(quietMs = 1_000, timeoutMs = 90_000) {
      // Only writes count: each replica's recovery pass reads the branch head every interval, and with two
      // replicas those reads alone can leave no quiet window although nothing is written any more.
      const writes = () => gh.requests.filter((r) => r.method !== 'GET' && !r.path.endsWith('/access_tokens')).length;
      let count = -1;
      let since = Date.now();
      await waitFor(
        () => {
          const now = writes();
          if (now !== count) {
            count = now;
            since = Date.now();
          }
          return Date.now() - since >= quietMs;
        },
        timeoutMs,
        () => `the bots kept writing to GitHub\n${bots.map((b) => b.output(4_000)).join('\n')}`,
      );
    },
    lease() {
      const api = sandbox.clusters.get(MASTER)!.api;
      const type = api.typeOf('coordination.k8s.io/v1', 'Lease');
      if (!type) return undefined;
      return api
        .list(type, KKP_NAMESPACE)
        .entries.map((e) => e.object)
        .find((o) => Object.entries(REPOSITORY_LEASE_LABELS).every(([k, v]) => o.metadata.labels?.[k] === v) && o.metadata.annotations?.[RECORD_ANNOTATIONS.repository] === repo.fullName);
    },
    record(key) {
      return h.lease()?.metadata.annotations?.[RECORD_ANNOTATIONS[key]];
    },
    async stop() {
      await Promise.all(bots.map((b) => b.dispose()));
      await gh.stop();
      await sandbox.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
  return h;
}

/**
 * Registers a reliability suite's hooks (build `dist/` once, before any test's clock starts; a fresh harness for each
 * test; every bot stopped after it) and returns the harness of the running test.
 */
export function useReliabilityHarness(options: ReliabilityHarnessOptions = {}): ReliabilityHarness {
  let current: ReliabilityHarness | undefined;
  beforeAll(ensureBuilt, 180_000);
  beforeEach(async () => {
    current = await startReliabilityHarness(options);
  }, 180_000);
  afterEach(async () => {
    await current?.stop();
    current = undefined;
    await stopAllBots();
  }, 120_000);
  return new Proxy({} as ReliabilityHarness, {
    get(_target, property) {
      if (!current) throw new Error('the reliability harness exists only while a test runs');
      const value = Reflect.get(current, property) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(current) : value;
    },
  });
}
