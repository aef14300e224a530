/**
 * The Probot app: filters the events kkp-gitops handles and hands them to the handlers in `src/github/`, through a
 * work queue so that deliveries are answered at once and work for one repository runs in order. Dependencies come
 * in as options with production defaults (the real engine on the master from the environment, mirrors in the
 * cache folder).
 */
import type { ApplicationFunction, Context, Probot, ProbotOctokit } from 'probot';
import { createCoordination, type Coordination } from './coordination/coordination.js';
import { createKubeConnector } from './kube/kube-connector.js';
import { createLiveStateCache, type LiveStateCache } from './kube/live-cache/live-state-cache.js';
import { createLeaseStore } from './kube/lease-client.js';
import { appConfigFromEnv, type AppConfig } from './github/app-config.js';
import { CHECK_NAME, type AppDeps } from './github/app-deps.js';
import { deployPush } from './github/deploy-push.js';
import { octokitRepository, toPullRequestInfo, type GitHubRepository } from './github/github-repository.js';
import { createKkpEngine, type KkpEngine } from './engine/kkp-engine.js';
import { checkAllDrift } from './github/drift/check-all-drift.js';
import { checkDrift } from './github/drift/check-drift.js';
import { DRIFT_CHECK } from './github/drift/drift-check-run.js';
import { createDriftMemory } from './github/drift/drift-memory.js';
import type { DriftReport } from './github/drift/drift-report.js';
import { knownFromRecords } from './github/drift/known-repository.js';
import { createInstalledRepositories } from './github/installed-repositories.js';
import { DRIFT_DEFAULTS, startDriftDetection, type DriftDetection } from './github/drift/start-drift-detection.js';
import { createPullRequestHeads, planPullRequest } from './github/plan-pull-request.js';
import { recoverRepositories, RECOVERY_DEFAULTS, startRecovery, type RecoveryLoop, type RecoveryResult } from './github/recover-repositories.js';
import { createRepositoryMirrors, type RepositoryMirrors } from './github/repository-mirror.js';
import { runCommand } from './github/run-command.js';
import { retryingGitHub } from './github/retry-github.js';
import { retryingMirrors } from './github/retry-mirrors.js';
import { createSeenDeliveries, createWorkQueue, type JobOptions, type WorkQueue } from './github/work-queue.js';
import type { Metrics } from './observability/metrics.js';

export interface KkpAppOptions {
  /** Default: `appConfigFromEnv()`. */
  readonly config?: AppConfig;
  /**
   * Default: the real engine, reaching the master from `config`, reading live state through a watch-based cache
   * (`liveCache`).
   */
  readonly engine?: KkpEngine;
  /**
   * The live-state cache the engine reads through (given with an `engine` built on it, so that `/metrics` shows its
   * ages and shutdown stops its watches). Default: a new `createLiveStateCache()` for the default engine, none with a
   * given `engine`.
   */
  readonly liveCache?: LiveStateCache;
  /** Default: bare mirrors under `config.cacheDir`. */
  readonly mirrors?: RepositoryMirrors;
  /** Where job failures, queue depth and GitHub's rate limit are recorded. Default: nowhere. */
  readonly metrics?: Metrics;
  /**
   * Repository locks and applied-commit records. Default: Leases in the master's `kubermatic` namespace (reached as
   * `config` says), lease duration and lock wait from `config`, holder identity `<POD_NAME or host>-<pid>-<random>`.
   */
  readonly coordination?: Coordination;
  /** Run restart recovery on load and every `config.recoveryIntervalSeconds` (default 300). Default: true. */
  readonly recovery?: boolean;
  /** Check for drift every `config.driftIntervalSeconds` (default 600; 0: never, only `checkDrift()`). Default: true. */
  readonly drift?: boolean;
}

/** The webhook events the app acts on (others are acknowledged and ignored). */
export const HANDLED_EVENTS: ReadonlySet<string> = new Set(['pull_request', 'check_run', 'check_suite', 'issue_comment', 'pull_request_review_comment', 'pull_request_review', 'push', 'installation', 'installation_repositories']);

export interface KkpApp {
  readonly appFn: ApplicationFunction;
  /** Resolves when every job started by a delivery has finished (tests, benchmarks, shutdown). */
  idle(): Promise<void>;
  /** Stops restart recovery, releases every lock this process holds and stops the live-state cache's watches (graceful shutdown). */
  releaseLocks(): Promise<void>;
  /** Runs a restart-recovery pass now (after the one in progress); `[]` before the app is loaded. */
  recover(): Promise<RecoveryResult[]>;
  /** Checks every known repository for drift now (after the pass in progress); `[]` before the app is loaded. */
  checkDrift(): Promise<DriftReport[]>;
  /** This process's Lease holder identity; undefined before the app is loaded. */
  holderIdentity(): string | undefined;
}

type RepoPayload = { id: number; owner: { login: string }; name: string; clone_url: string; html_url?: string };

export function createKkpApp(options: KkpAppOptions = {}): KkpApp {
  let queue: WorkQueue | undefined;
  let coordination: Coordination | undefined;
  let recovery: RecoveryLoop | undefined;
  let runRecovery: (() => Promise<RecoveryResult[]>) | undefined;
  let drift: DriftDetection | undefined;
  let runDrift: (() => Promise<DriftReport[]>) | undefined;
  let liveCache: LiveStateCache | undefined;

  const appFn: ApplicationFunction = (app: Probot) => {
    const config = options.config ?? appConfigFromEnv();
    liveCache = options.liveCache ?? (options.engine ? undefined : createLiveStateCache());
    const cache = liveCache;
    if (cache) options.metrics?.liveCache.observe(() => cache.ages());
    const engine =
      options.engine ??
      createKkpEngine({
        connect: () => createKubeConnector({ ...(config.kubeconfigFile ? { kubeconfigFile: config.kubeconfigFile } : {}), ...(config.context ? { context: config.context } : {}), inCluster: config.inCluster }),
        ...(cache ? { liveCache: cache } : {}),
      });
    let appLogin: Promise<string> | undefined;
    const cluster = { ...(config.kubeconfigFile ? { kubeconfigFile: config.kubeconfigFile } : {}), ...(config.context ? { context: config.context } : {}), inCluster: config.inCluster };
    coordination =
      options.coordination ??
      createCoordination({
        leases: createLeaseStore(cluster),
        lock: { ...(config.leaseDurationSeconds !== undefined ? { leaseDurationSeconds: config.leaseDurationSeconds } : {}), ...(config.lockWaitSeconds !== undefined ? { waitTimeoutMs: config.lockWaitSeconds * 1000 } : {}) },
      });
    const deps: AppDeps = {
      coordination,
      engine,
      mirrors: retryingMirrors(options.mirrors ?? createRepositoryMirrors({ cacheDir: config.cacheDir })),
      heads: createPullRequestHeads(),
      healthWait: config.healthWait ?? false,
      log: app.log,
      appLogin: () => {
        appLogin ??= app
          .auth()
          .then((octokit) => octokit.rest.apps.getAuthenticated())
          .then(({ data }) => `${data?.slug ?? ''}[bot]`);
        appLogin.catch(() => (appLogin = undefined));
        return appLogin;
      },
    };
    const metrics = options.metrics;
    const workQueue = createWorkQueue({
      onError: (error, key) => {
        metrics?.errors.inc(error);
        app.log.error({ err: error, repository: key }, 'kkp-gitops job failed');
      },
      // Every entry and exit, whoever queued it (deliveries, restart recovery, drift, installations).
      onSizeChange: (size) => metrics?.queueDepth.set(size),
    });
    queue = workQueue;
    // Git gets its own token, narrowed to reading this one repository, minted with the app's JWT.
    const repositoryOf = (octokit: InstanceType<typeof ProbotOctokit>, installationId: number | undefined, repository: RepoPayload): GitHubRepository => {
      if (metrics) octokit.hook.after('request', (response) => metrics.githubRateLimit.observeHeaders(response.headers as Record<string, string | number | undefined>));
      const github = octokitRepository(octokit, repository, async (repositoryId) => {
        if (installationId === undefined) throw new Error('the delivery names no installation');
        const jwt = await app.auth();
        const { data } = await jwt.rest.apps.createInstallationAccessToken({ installation_id: installationId, repository_ids: [repositoryId], permissions: { contents: 'read' } });
        return data.token;
      });
      return retryingGitHub(github, { log: (method, error, delayMs) => app.log.warn({ err: error, repository: github.fullName, method, delayMs }, 'GitHub call failed; retrying') });
    };
    // GitHub may deliver one event more than once (redeliveries, retries): the repeat is acknowledged and ignored.
    const seen = createSeenDeliveries();
    // Only the repositories of KKP_GITOPS_REPOSITORY_ALLOWLIST are served: a delivery for any other is answered
    // (200) and ignored with one log line, before anything is read from or written to it.
    const allowlist = config.repositoryAllowlist;
    // Repositories added to or removed from the installations since the start (`installation*` events).
    const installed = createInstalledRepositories();
    const once =
      <C extends { id: string; name: string; payload: unknown }>(handler: (context: C) => Promise<void>) =>
      async (context: C) => {
        const repository = deliveryRepository(context.payload);
        if (repository !== undefined && !allowlist.allows(repository)) {
          app.log.info({ delivery: context.id, event: context.name, repository }, 'delivery for a repository outside KKP_GITOPS_REPOSITORY_ALLOWLIST ignored');
          return;
        }
        if (repository !== undefined && installed.removed(repository, (context.payload as { installation?: { id: number } }).installation?.id)) {
          app.log.info({ delivery: context.id, event: context.name, repository }, 'delivery for a repository removed from the installation ignored');
          return;
        }
        if (!seen.firstTime(context.id)) {
          app.log.info({ delivery: context.id, event: context.name }, 'repeated delivery ignored');
          return;
        }
        await handler(context);
      };
    const repoOf = (context: Context, repository: RepoPayload): GitHubRepository => repositoryOf(context.octokit, (context.payload as { installation?: { id: number } }).installation?.id, repository);
    // Every line a job logs carries the delivery id (Probot's event logger), the repository and the pull request.
    const jobDeps = (context: Context, github: GitHubRepository, pullRequest?: number): AppDeps => ({
      ...deps,
      log: context.log.child({ repository: github.fullName, ...(pullRequest !== undefined ? { pullRequest } : {}) }),
    });
    // Lock holders and the time of each repository's last complete apply, read from the records on the Leases.
    const refreshRecordMetrics = async () => {
      if (!metrics || !coordination) return;
      for (const { record, holder } of await coordination.records()) {
        metrics.lockHolder.set(record.repository, holder);
        if (record.appliedAt) metrics.lastAppliedCommit.record(record.repository, new Date(record.appliedAt));
      }
    };
    const afterReconcile = () => void refreshRecordMetrics().catch((error: unknown) => app.log.warn({ err: error }, 'could not read the repository records for metrics'));
    const enqueue = (repository: GitHubRepository, job: () => Promise<unknown>, jobOptions?: JobOptions) => {
      workQueue.enqueue(repository.fullName, async () => void (await job()), jobOptions);
    };

    app.on(['pull_request.opened', 'pull_request.synchronize', 'pull_request.reopened', 'pull_request.ready_for_review'], once(async (context) => {
      const pr = toPullRequestInfo(context.payload.pull_request);
      if (pr.draft) return;
      const github = repoOf(context, context.payload.repository);
      // The newest head wins: a waiting plan of an older head is dropped, a running one abandons before writing, and
      // a delivery that arrives after a newer one (older updated_at) is not planned at all.
      if (deps.heads && !deps.heads.note(github.fullName, pr.number, pr.headSha, pr.updatedAt)) return;
      // Across replicas: the head goes on the pull request's Lease before its plan is queued, so that a replica still
      // holding an older head's plan (queued or running) drops it. A Lease that cannot be written only costs that.
      const newest = await deps.coordination?.notePullRequestHead(github.fullName, pr.number, pr.headSha, pr.updatedAt).catch((error: unknown) => {
        context.log.warn({ err: error, repository: github.fullName, pullRequest: pr.number }, 'could not note the head on the pull request’s Lease');
        return true;
      });
      if (newest === false) {
        context.log.info({ repository: github.fullName, pullRequest: pr.number, head: pr.headSha }, 'a newer head of the pull request is known to another replica; not planned');
        return;
      }
      enqueue(github, () => planPullRequest(jobDeps(context, github, pr.number), github, pr, { delivery: context.id }), { coalesce: `pr:${pr.number}` });
    }));

    // A closed pull request needs no plan (one still waiting is dropped: same slot) and no Lease any more.
    app.on('pull_request.closed', once(async (context) => {
      const github = repoOf(context, context.payload.repository);
      const number = context.payload.pull_request.number;
      const coordination = deps.coordination;
      if (!coordination) return;
      enqueue(github, () => coordination.forgetPullRequest(github.fullName, number), { coalesce: `pr:${number}` });
    }));

    // "Re-run" on a check run, or "Re-run all checks" on the suite: plans the head again (the pull requests GitHub
    // lists, else the open ones with that head: GitHub lists none for a head in a fork). Re-running the drift check
    // runs a drift pass of the repository now, reported even when the finding is the same as last time.
    const replanHead = (context: Context, github: GitHubRepository, headSha: string, listed: readonly number[]) =>
      enqueue(github, async () => {
        const pulls = listed.length > 0 ? await Promise.all(listed.map((n) => github.pullRequest(n))) : (await github.openPullRequests()).filter((p) => p.headSha === headSha);
        for (const pr of pulls) if (pr.headSha === headSha) await planPullRequest(jobDeps(context, github, pr.number), github, pr);
      });

    app.on('check_run.rerequested', once(async (context) => {
      const run = context.payload.check_run;
      const installationId = context.payload.installation?.id;
      if (run.name === DRIFT_CHECK && installationId !== undefined) {
        const { repository } = context.payload;
        void driftDeps.run(repository.full_name, () => checkDrift(driftDeps, { fullName: repository.full_name, installationId, defaultBranch: repository.default_branch }, createDriftMemory()));
        return;
      }
      if (run.name !== CHECK_NAME) return;
      replanHead(context, repoOf(context, context.payload.repository), run.head_sha, run.pull_requests.map((p) => p.number));
    }));

    app.on('check_suite.rerequested', once(async (context) => {
      const suite = context.payload.check_suite;
      replanHead(context, repoOf(context, context.payload.repository), suite.head_sha, suite.pull_requests.map((p) => p.number));
    }));

    // A repository added to the installation (or a new installation) is known to recovery and drift at once, not only
    // after its first push: recovery reconciles its default branch now.
    const addInstalled = async (context: Context, installationId: number, repositories: readonly { full_name: string }[]) => {
      const allowed = repositories.filter((r) => allowlist.allows(r.full_name));
      for (const r of repositories) if (!allowlist.allows(r.full_name)) app.log.info({ delivery: context.id, event: context.name, repository: r.full_name }, 'repository outside KKP_GITOPS_REPOSITORY_ALLOWLIST not served');
      if (allowed.length === 0) return;
      const octokit = await app.auth(installationId);
      for (const r of allowed) {
        const [owner = '', repo = ''] = r.full_name.split('/');
        const { data } = await octokit.rest.repos.get({ owner, repo });
        installed.add(data.full_name, { installationId, defaultBranch: data.default_branch });
      }
      // In the work queue (under its own key: the pass queues its reconciles under the repositories' keys), so that
      // `idle()` covers it and the delivery is answered at once.
      workQueue.enqueue(`installation:${installationId}`, async () => void (await runRecovery?.()));
    };
    app.on(['installation.created', 'installation.new_permissions_accepted', 'installation.unsuspend'], once(async (context) => {
      await addInstalled(context, context.payload.installation.id, context.payload.repositories ?? []);
    }));
    app.on('installation_repositories.added', once(async (context) => {
      await addInstalled(context, context.payload.installation.id, context.payload.repositories_added);
    }));
    // A repository taken out of the installation (or the installation deleted or suspended) is no longer recovered or
    // drift-checked, whatever its record says; deliveries still queued for it find it removed.
    app.on('installation_repositories.removed', once(async (context) => {
      installed.removeRepositories(context.payload.repositories_removed.map((r) => r.full_name));
      app.log.info({ delivery: context.id, repositories: context.payload.repositories_removed.map((r) => r.full_name) }, 'repositories removed from the installation: no longer served');
    }));
    app.on(['installation.deleted', 'installation.suspend'], once(async (context) => {
      const names = (context.payload.repositories ?? []).map((r) => r.full_name);
      installed.removeInstallation(context.payload.installation.id, names);
      app.log.info({ delivery: context.id, installation: context.payload.installation.id, repositories: names }, `installation ${context.payload.action === 'deleted' ? 'deleted' : 'suspended'}: its repositories are no longer served`);
    }));

    app.on('issue_comment.created', once(async (context) => {
      const { issue, comment } = context.payload;
      if (!issue.pull_request) return;
      const github = repoOf(context, context.payload.repository);
      enqueue(github, () => runCommand(jobDeps(context, github, issue.number), github, { pullNumber: issue.number, author: comment.user?.login ?? '', authorIsBot: comment.user?.type === 'Bot', body: comment.body, source: { kind: 'issue-comment', id: comment.id }, writtenAt: comment.created_at }));
    }));

    app.on('pull_request_review_comment.created', once(async (context) => {
      const { pull_request: pr, comment } = context.payload;
      const github = repoOf(context, context.payload.repository);
      enqueue(github, () => runCommand(jobDeps(context, github, pr.number), github, { pullNumber: pr.number, author: comment.user?.login ?? '', authorIsBot: comment.user?.type === 'Bot', body: comment.body, source: { kind: 'review-comment', id: comment.id }, writtenAt: comment.created_at }));
    }));

    app.on('pull_request_review.submitted', once(async (context) => {
      const { pull_request: pr, review } = context.payload;
      const github = repoOf(context, context.payload.repository);
      // GitHub has no reactions on reviews: the pull request gets the reaction.
      enqueue(github, () => runCommand(jobDeps(context, github, pr.number), github, { pullNumber: pr.number, author: review.user?.login ?? '', authorIsBot: review.user?.type === 'Bot', body: review.body, source: { kind: 'pull-request', number: pr.number }, ...(review.submitted_at ? { writtenAt: review.submitted_at } : {}) }));
    }));

    app.on('push', once(async (context) => {
      const { ref, before, after, deleted, repository } = context.payload;
      if (deleted || ref !== `refs/heads/${repository.default_branch}`) return;
      const github = repoOf(context, { id: repository.id, owner: { login: repository.owner?.login ?? repository.owner?.name ?? '' }, name: repository.name, clone_url: repository.clone_url, html_url: repository.html_url });
      const installationId = (context.payload as { installation?: { id: number } }).installation?.id;
      enqueue(github, () => deployPush(jobDeps(context, github), github, { branch: repository.default_branch, before, after, ...(installationId !== undefined ? { installationId } : {}) }).finally(afterReconcile));
    }));

    // Restart recovery: reconciles run in the repository's queue, so they never overlap this process's own jobs. Only
    // the records of allowed repositories count (a record left from before the allow-list was narrowed is ignored).
    // Repositories added to the installation since the start count as recorded, with nothing applied yet.
    const allCoordination = coordination;
    const allowedCoordination: Coordination = {
      ...allCoordination,
      records: async () => {
        const recorded = (await allCoordination.records()).filter(({ record }) => allowlist.allows(record.repository) && !installed.removed(record.repository, record.installationId));
        const known = new Set(recorded.map(({ record }) => record.repository));
        const added = installed.added().filter(([repository]) => !known.has(repository)).map(([repository, { installationId, defaultBranch }]) => ({ record: { repository, installationId, defaultBranch, deployments: [] }, holder: undefined }));
        return [...recorded, ...added];
      },
    };
    const recoveryDeps = {
      app: { ...deps, coordination: allowedCoordination },
      openRepository: async (record: { repository: string; installationId: number }) => {
        const octokit = await app.auth(record.installationId);
        const [owner = '', repo = ''] = record.repository.split('/');
        const { data } = await octokit.rest.repos.get({ owner, repo });
        return repositoryOf(octokit, record.installationId, data);
      },
      run: <T>(repository: string, job: () => Promise<T>) => new Promise<T>((resolve, reject) => workQueue.enqueue(repository, () => job().then(resolve, reject).finally(afterReconcile))),
    };
    // Drift: the default branches of the repositories with a record, checked in their queue like recovery.
    const driftDeps = {
      app: deps,
      known: knownFromRecords(allowedCoordination),
      openRepository: (known: { fullName: string; installationId: number }) => recoveryDeps.openRepository({ repository: known.fullName, installationId: known.installationId }),
      run: recoveryDeps.run,
    };
    if (options.drift === false) {
      const memory = createDriftMemory();
      runDrift = () => checkAllDrift(driftDeps, memory);
    } else {
      drift = startDriftDetection(driftDeps, { intervalMs: (config.driftIntervalSeconds ?? DRIFT_DEFAULTS.intervalMs / 1000) * 1000 });
      runDrift = drift.runNow;
    }
    if (options.recovery === false) {
      runRecovery = () => recoverRepositories(recoveryDeps);
    } else {
      const loop = startRecovery(recoveryDeps, { intervalMs: (config.recoveryIntervalSeconds ?? RECOVERY_DEFAULTS.intervalMs / 1000) * 1000 });
      recovery = loop;
      runRecovery = () => loop.runNow();
    }
  };

  return {
    appFn,
    async idle() {
      await recovery?.idle();
      await queue?.idle();
    },
    async releaseLocks() {
      await recovery?.stop();
      await drift?.stop();
      await coordination?.releaseAll();
      liveCache?.stop();
    },
    recover() {
      return runRecovery?.() ?? Promise.resolve([]);
    },
    checkDrift() {
      return runDrift?.() ?? Promise.resolve([]);
    },
    holderIdentity: () => coordination?.holderIdentity,
  };
}

/** The `owner/name` a delivery is about (`repository.full_name`, else owner and name); undefined when it names none. */
function deliveryRepository(payload: unknown): string | undefined {
  const repository = (payload as { repository?: { full_name?: unknown; name?: unknown; owner?: { login?: unknown; name?: unknown } } } | undefined)?.repository;
  if (!repository) return undefined;
  if (typeof repository.full_name === 'string') return repository.full_name;
  const owner = repository.owner?.login ?? repository.owner?.name;
  return typeof owner === 'string' && typeof repository.name === 'string' ? `${owner}/${repository.name}` : '';
}

/** The production app (`kkp-gitops serve`). */
export default createKkpApp().appFn;
