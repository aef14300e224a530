/**
 * `kkp-gitops serve` (`npm start`): runs the GitHub App in Probot's server, with `/metrics`, `/healthz` and
 * `/readyz` beside the webhook endpoint and a graceful shutdown on SIGTERM/SIGINT. Without APP_ID and a private key
 * it serves Probot's setup page, which registers the app from `app.yml`. Settings come from the environment
 * (README.md lists every variable). This file only wires.
 */
import { parseArgs } from 'node:util';
import { run as runProbot, type ApplicationFunction, type Probot } from 'probot';
import { ConfigurationError, describeError } from '../../core/errors.js';
import { createKkpApp, HANDLED_EVENTS } from '../../app.js';
import { appConfigFromEnv } from '../../github/app-config.js';
import { instrumentEngine } from '../../github/instrument-engine.js';
import { KkpOctokit } from '../../github/retry-octokit.js';
import { createKkpEngine } from '../../engine/kkp-engine.js';
import { PROBOT_WEBHOOK_PATH_UNUSED, withWebhookGuard } from '../../github/webhook-guard.js';
import { createKubeConnector, type KubeConnectorOptions } from '../../kube/kube-connector.js';
import { createLiveStateCache } from '../../kube/live-cache/live-state-cache.js';
import { masterReachable } from '../../kube/master-reachable.js';
import { masterCrdRelease } from '../../kube/master-crd-release.js';
import { installGracefulShutdown } from '../../observability/graceful-shutdown.js';
import { healthHandlers } from '../../observability/health.js';
import { createMetrics } from '../../observability/metrics.js';
import { observabilityRoutes } from '../../observability/observability-routes.js';
import { formatOptionHelp, SERVE_OPTIONS } from '../command-options.js';
import { createStatusPage } from '../../status-page/status-page.js';
import { setupModeRoutes } from '../../observability/setup-mode-routes.js';
import { readObservabilityEnv } from '../../observability/read-observability-env.js';

export const SERVE_USAGE = `Usage: kkp-gitops serve

Runs the kkp-gitops GitHub App (a Probot server) on $PORT (default 3000), with /metrics, /healthz and /readyz.
With no app configured yet (APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET), it serves Probot's setup
page to register one. Clusters: KKP_KUBECONFIG and KKP_CONTEXT (the master), or KKP_IN_CLUSTER=true.
Mirrors: KKP_GITOPS_CACHE_DIR. README.md lists every variable.

${formatOptionHelp(SERVE_OPTIONS)}`;

export async function run(args: string[]): Promise<number> {
  let help = false;
  try {
    help = parseArgs({ args, options: SERVE_OPTIONS }).values.help === true;
  } catch (error) {
    throw new ConfigurationError(`${describeError(error)} (see kkp-gitops serve --help)`);
  }
  if (help) {
    process.stdout.write(`${SERVE_USAGE}\n`);
    return 0;
  }

  const settings = readObservabilityEnv(process.env);
  const config = appConfigFromEnv();
  const cluster: KubeConnectorOptions = {
    ...(config.kubeconfigFile ? { kubeconfigFile: config.kubeconfigFile } : {}),
    ...(config.context ? { context: config.context } : {}),
    inCluster: config.inCluster,
  };
  const metrics = createMetrics();
  // KKP_GITOPS_STATUS_PAGE=true: the read-only status page at / (src/status-page/), fed by the engine, GitHub's answers and deliveries.
  const status = createStatusPage({ env: process.env, cluster, replica: () => kkp.holderIdentity() });
  // Plans, drift and applies read live state through one watch-based cache (the CLI's one-shot commands list).
  const liveCache = createLiveStateCache();
  const engine = status.engine(instrumentEngine(createKkpEngine({ connect: () => createKubeConnector(cluster), liveCache }), metrics));
  const kkp = createKkpApp({ config, engine, liveCache, metrics });

  let probot: Probot | undefined;
  // Which KKP release the master's CRDs are: logged at start, a note of /readyz (repositories' plans warn per spec.kkpVersion).
  const crds = masterCrdRelease({ cluster });
  const health = healthHandlers({
    timeoutMs: settings.readyTimeoutMs,
    checks: {
      // The app's own JWT call: needs no installation, proves the credentials and GitHub's reachability.
      github: async () => {
        if (!probot) throw new ConfigurationError('the app is not loaded yet');
        await (await probot.auth()).request('GET /app');
      },
      master: masterReachable(cluster),
    },
    onCheckFailure: (check, error) => probot?.log.warn({ check, err: describeError(error) }, 'readiness check failed'),
    notes: () => ({ kkpCrds: crds.last().release }),
  });

  const routes = observabilityRoutes({ metrics, health });
  // In setup mode (no app yet) the same routes are served beside Probot's registration page.
  const setupMode = setupModeRoutes(routes);
  const appFn: ApplicationFunction = (app, options) => {
    probot = app;
    setupMode.appLoaded();
    options.addHandler(routes);
    if (status.routes) options.addHandler(status.routes);
    app.webhooks.onAny(({ name, payload }) => {
      metrics.webhookDeliveries.inc(name, HANDLED_EVENTS.has(name) ? 'handled' : 'ignored');
      // The page shows only repositories the bot serves: a delivery from any other repository leaves no note.
      const repository = (payload as { repository?: { full_name?: unknown } }).repository?.full_name;
      if (typeof repository !== 'string' || config.repositoryAllowlist.allows(repository)) status.onDelivery(name, payload);
    });
    return kkp.appFn(app, options);
  };
  // Deliveries are read capped and verified before parsing by the guard; Probot's own middleware is mounted on a
  // path no request has. The environment is read late: Probot loads a `.env` file into it first.
  const guarded: ApplicationFunction = (app, options) =>
    withWebhookGuard(appFn, {
      path: process.env['WEBHOOK_PATH'] || '/api/github/webhooks',
      secret: process.env['WEBHOOK_SECRET'] || 'development',
      // The event label is the sender's header: only known names become label values.
      onRefused: (event) => metrics.webhookDeliveries.inc(event !== null && HANDLED_EVENTS.has(event) ? event : 'other', 'rejected'),
    })(app, options);
  const env = new Proxy(process.env, { get: (target, key) => (key === 'WEBHOOK_PATH' ? PROBOT_WEBHOOK_PATH_UNUSED : target[key as string]) });
  // Octokit with bounded rate-limit retries and no blind re-sends of writes (the GitHub port retries safely).
  const Octokit = status.octokitPlugin ? (KkpOctokit.plugin(status.octokitPlugin as never) as typeof KkpOctokit) : KkpOctokit;
  const server = await setupMode.during(() => runProbot(guarded, { Octokit, env }));
  void crds.check().then((answer) => (answer.warn ? probot?.log.warn({ kkpCrds: answer.release }, answer.summary) : probot?.log.info({ kkpCrds: answer.release }, answer.summary)));

  const shutdown = installGracefulShutdown({
    server: { close: (done?: (error?: Error) => void) => void server.stop().then(() => done?.(), (error: Error) => done?.(error)) } as never,
    markNotReady: health.markNotReady,
    drain: () => kkp.idle(),
    releaseLocks: () => kkp.releaseLocks(),
    timeoutMs: settings.shutdownTimeoutMs,
    log: { info: (message) => probot?.log.info(message), warn: (message) => probot?.log.warn(message) },
  });
  // The process ends through the shutdown's exit; until then the server runs.
  await new Promise<void>(() => undefined);
  shutdown.uninstall();
  return 0;
}
