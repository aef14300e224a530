/** `kkp-gitops sandbox`: runs a KKP master and seeds on the built-in Kubernetes API emulator until stopped. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { ConfigurationError } from '../../core/errors.js';
import { formatOptionHelp, SANDBOX_OPTIONS } from '../command-options.js';
import { startSandbox } from '../../sandbox/start-sandbox.js';

const HELP = `Usage: kkp-gitops sandbox [options]

Runs a KKP master and seeds on the built-in Kubernetes API emulator (loopback only) until Ctrl-C.
\`kkp-gitops sandbox fault TARGET ...\` switches the faults of a running one (see its --help).

Options:
${formatOptionHelp(SANDBOX_OPTIONS)}
`;

export async function run(args: string[]): Promise<number> {
  if (args[0] === 'fault') return (await import('./sandbox-fault.js')).run(args.slice(1));
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: SANDBOX_OPTIONS,
      strict: true,
    }));
  } catch (error) {
    throw new ConfigurationError(`${(error as Error).message}\n\n${HELP}`);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigurationError(`--port must be a port number, not "${values.port ?? ''}"`);
  const seeds = values.seeds?.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (seeds !== undefined && seeds.length === 0) throw new ConfigurationError(`--seeds "${values.seeds}" names no seed: give comma-separated names, e.g. --seeds seed-eu,seed-us`);
  const delayText = values['controller-delay-ms'] ?? '2000';
  const delayMs = Number(delayText);
  if (!/^\d+$/.test(delayText) || delayMs > 3_600_000) throw new ConfigurationError(`--controller-delay-ms must be a number of milliseconds from 0 to 3600000, not "${delayText}"`);
  const kubeconfigPath = values['kubeconfig-out'] ?? '.sandbox/kubeconfig';
  const running = await runningSandboxAt(kubeconfigPath);
  if (running !== undefined) {
    throw new ConfigurationError(`another sandbox is running with the kubeconfig ${kubeconfigPath} (its master answers at ${running}); stop it first, or give this one --kubeconfig-out FILE`);
  }

  const sandbox = await startSandbox({
    ...(seeds ? { seeds } : {}),
    port,
    ...(values['state-file'] ? { stateFile: values['state-file'] } : {}),
    admin: true,
    ...(values['kkp-controllers'] ? { kkpControllers: { delayMs, onWarning: (message: string) => process.stderr.write(`kkp-controllers: ${message}\n`) } } : {}),
  });
  mkdirSync(dirname(resolve(kubeconfigPath)), { recursive: true });
  writeFileSync(kubeconfigPath, sandbox.kubeconfigYaml, { mode: 0o600 });

  const lines = [...sandbox.clusters.values()].map((c) => `  ${c.name.padEnd(12)} ${c.url}`);
  const firstSeed = sandbox.seeds[0] ?? 'master';
  process.stdout.write(
    `KKP sandbox running (master and ${sandbox.seeds.length} seed${sandbox.seeds.length === 1 ? '' : 's'}):\n${lines.join('\n')}\n\n` +
      `Kubeconfig written to ${kubeconfigPath} (contexts: ${[...sandbox.clusters.keys()].join(', ')}). Try:\n` +
      `  kubectl --kubeconfig ${kubeconfigPath} --context ${firstSeed} get clusters\n` +
      `  kubectl --kubeconfig ${kubeconfigPath} --context master get seeds -n kubermatic\n` +
      `  kkp-gitops sandbox fault ${firstSeed} --refuse --kubeconfig ${kubeconfigPath}\n` +
      `${values['kkp-controllers'] ? `KKP controllers on (Clusters Running after ${delayMs} ms; fault annotation sandbox.kkp-gitops.dev/health). ` : ''}` +
      `${values['state-file'] ? `State is saved to ${values['state-file']} on exit. ` : ''}Press Ctrl-C to stop.\n`,
  );

  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await sandbox.stop();
  process.stdout.write('KKP sandbox stopped.\n');
  return 0;
}

/**
 * The master URL of the kubeconfig at `path` when something listens there (a running sandbox, whose kubeconfig a
 * second one must not overwrite); undefined for a missing or unreadable file or a stopped sandbox's.
 */
async function runningSandboxAt(path: string): Promise<string | undefined> {
  if (!existsSync(path)) return undefined;
  let server: string | undefined;
  try {
    const parsed = parse(readFileSync(path, 'utf8')) as { clusters?: Array<{ name?: string; cluster?: { server?: string } }> };
    server = (parsed.clusters?.find((c) => c.name === 'master') ?? parsed.clusters?.[0])?.cluster?.server;
  } catch {
    return undefined;
  }
  if (!server) return undefined;
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return undefined;
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!/^(127\.\d+\.\d+\.\d+|localhost|::1)$/.test(host)) {
    throw new ConfigurationError(`${path} is a kubeconfig of other clusters (master ${server}), not a sandbox's; it is not overwritten: give --kubeconfig-out FILE`);
  }
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const listening = await new Promise<boolean>((resolve) => {
    const socket = connect({ host, port, timeout: 1_000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
  return listening ? server : undefined;
}
