/**
 * `kkp-gitops serve` (`npm start`): runs the GitHub App in Probot's server. Without APP_ID and a private key it
 * serves Probot's setup page, which registers the app from `app.yml`. Settings come from the environment
 * (README.md lists every variable).
 */
import { parseArgs } from 'node:util';
import { run as runProbot } from 'probot';
import { ConfigurationError } from '../../core/errors.js';
import { createKkpApp } from '../../app.js';

export const SERVE_USAGE = `Usage: kkp-gitops serve

Runs the kkp-gitops GitHub App (a Probot server) on $PORT (default 3000). With no app configured yet
(APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET), it serves Probot's setup page to register one.
Clusters: KKP_KUBECONFIG and KKP_CONTEXT (the master), or KKP_IN_CLUSTER=true. Mirrors: KKP_GITOPS_CACHE_DIR.`;

export async function run(args: string[]): Promise<number> {
  let help = false;
  try {
    help = parseArgs({ args, options: { help: { type: 'boolean', short: 'h' } } }).values.help === true;
  } catch (error) {
    throw new ConfigurationError(`${error instanceof Error ? error.message : String(error)} (see kkp-gitops serve --help)`);
  }
  if (help) {
    process.stdout.write(`${SERVE_USAGE}\n`);
    return 0;
  }
  const app = createKkpApp();
  const server = await runProbot(app.appFn);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  // Finish the work already accepted before leaving.
  await app.idle();
  await server.stop();
  return 0;
}
