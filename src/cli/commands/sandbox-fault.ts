/**
 * `kkp-gitops sandbox fault TARGET ...`: switches the fault injection of one cluster of a RUNNING sandbox
 * (refused connections, latency, failed requests) through the sandbox's admin endpoint, found in its kubeconfig
 * (extension `sandbox.kkp-gitops.dev/admin` of the master's cluster entry). The admin token is only ever sent to
 * a loopback address.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { delimiter } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { ConfigurationError } from '../../core/errors.js';
import type { FailureStatus } from '../../emulator/faults.js';
import { FAILURE_STATUSES, type FaultCommand, type FaultState, SANDBOX_ADMIN_EXTENSION } from '../../sandbox/sandbox-admin.js';
import { formatOptionHelp, SANDBOX_FAULT_OPTIONS } from '../command-options.js';

const HELP = `Usage: kkp-gitops sandbox fault TARGET [--refuse | --accept] [--latency-ms N] [--failure-rate R [--status 500|503|429]] [--clear]

Switches the faults of cluster TARGET (master, or a seed) of a running \`kkp-gitops sandbox\`, through its admin
endpoint (named in the sandbox's kubeconfig; only the sandbox's own token may call it), and prints the target's
fault state. Without a switch, only prints it.

Options:
${formatOptionHelp(SANDBOX_FAULT_OPTIONS)}

Exit status: 0 switched, 2 error.
`;

const DEFAULT_KUBECONFIG = '.sandbox/kubeconfig';
const MAX_KUBECONFIG_BYTES = 1024 * 1024;
const MAX_ANSWER_BYTES = 64 * 1024;

interface AdminEndpoint {
  readonly server: string;
  readonly token: string;
  readonly file: string;
}

/** The admin endpoint named in kubeconfig `file`, or undefined when it names none. */
function adminEndpointIn(file: string): AdminEndpoint | undefined {
  if (!existsSync(file) || statSync(file).size > MAX_KUBECONFIG_BYTES) return undefined;
  let config: { clusters?: Array<{ cluster?: { extensions?: Array<{ name?: unknown; extension?: { server?: unknown; token?: unknown } }> } }> };
  try {
    config = parse(readFileSync(file, 'utf8')) as typeof config;
  } catch {
    return undefined;
  }
  for (const entry of Array.isArray(config?.clusters) ? config.clusters : []) {
    for (const extension of Array.isArray(entry?.cluster?.extensions) ? entry.cluster.extensions : []) {
      const { server, token } = extension?.extension ?? {};
      if (extension?.name === SANDBOX_ADMIN_EXTENSION && typeof server === 'string' && typeof token === 'string') return { server, token, file };
    }
  }
  return undefined;
}

function findAdminEndpoint(kubeconfig: string | undefined, env: NodeJS.ProcessEnv): AdminEndpoint {
  if (kubeconfig !== undefined) {
    const found = adminEndpointIn(kubeconfig);
    if (!found) throw new ConfigurationError(`${kubeconfig} is not the kubeconfig of a running kkp-gitops sandbox (it names no ${SANDBOX_ADMIN_EXTENSION} endpoint)`);
    return found;
  }
  const candidates = [...(env['KUBECONFIG'] ?? '').split(delimiter).filter((f) => f !== ''), DEFAULT_KUBECONFIG];
  for (const file of candidates) {
    const found = adminEndpointIn(file);
    if (found) return found;
  }
  throw new ConfigurationError(`no sandbox kubeconfig found (tried ${candidates.join(', ')}): start one with \`kkp-gitops sandbox\`, or give --kubeconfig FILE`);
}

/** The token goes to loopback only: a kubeconfig pointing elsewhere is refused. */
function loopbackUrl(server: string, file: string): URL {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new ConfigurationError(`${file}: the ${SANDBOX_ADMIN_EXTENSION} server is not a URL`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.protocol !== 'http:' || !/^(127\.\d+\.\d+\.\d+|localhost|::1)$/.test(host)) {
    throw new ConfigurationError(`${file}: the ${SANDBOX_ADMIN_EXTENSION} server must be http on a loopback address; the token is not sent elsewhere`);
  }
  return url;
}

function number(name: string, text: string | undefined, min: number, max: number, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new ConfigurationError(`--${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, not "${text}"`);
  }
  return value;
}

function describeState(state: FaultState): string {
  const parts = [
    state.refusingConnections ? 'refusing connections' : 'accepting connections',
    `latency ${state.latencyMs} ms`,
    state.failureRate > 0 ? `failing ${state.failureRate} of requests with ${state.failureStatus}` : 'no failures',
  ];
  return `${state.target}: ${parts.join(', ')}\n`;
}

export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args, options: SANDBOX_FAULT_OPTIONS, allowPositionals: true, strict: true }));
  } catch (error) {
    throw new ConfigurationError(`${(error as Error).message}\n\n${HELP}`);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const [target, ...extra] = positionals;
  if (target === undefined || extra.length > 0) throw new ConfigurationError(`give one TARGET (master, or a seed's name)\n\n${HELP}`);
  if (values.refuse && values.accept) throw new ConfigurationError('--refuse and --accept exclude each other');
  if (values.status !== undefined && values['failure-rate'] === undefined) throw new ConfigurationError('--status goes with --failure-rate R');
  const status = number('status', values.status, 0, 999, true);
  if (status !== undefined && !FAILURE_STATUSES.includes(status as FailureStatus)) throw new ConfigurationError(`--status must be one of ${FAILURE_STATUSES.join(', ')}, not "${values.status}"`);
  const latencyMs = number('latency-ms', values['latency-ms'], 0, 600_000, true);
  const failureRate = number('failure-rate', values['failure-rate'], 0, 1, false);
  const command: FaultCommand = {
    ...(values.clear ? { clear: true } : {}),
    ...(values.refuse ? { refuse: true } : {}),
    ...(values.accept ? { accept: true } : {}),
    ...(latencyMs !== undefined ? { latencyMs } : {}),
    ...(failureRate !== undefined ? { failureRate } : {}),
    ...(status !== undefined ? { failureStatus: status as FailureStatus } : {}),
  };

  const endpoint = findAdminEndpoint(values.kubeconfig, env);
  const url = new URL(`/faults/${encodeURIComponent(target)}`, loopbackUrl(endpoint.server, endpoint.file));
  const change = Object.keys(command).length > 0;
  let response: Response;
  try {
    response = await fetch(url, {
      method: change ? 'POST' : 'GET',
      headers: { authorization: `Bearer ${endpoint.token}`, ...(change ? { 'content-type': 'application/json' } : {}) },
      ...(change ? { body: JSON.stringify(command) } : {}),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    throw new ConfigurationError(`the sandbox of ${endpoint.file} does not answer at ${url.origin}: is it still running?`, { cause: error });
  }
  const text = await response.text();
  let answer: unknown;
  try {
    answer = text.length <= MAX_ANSWER_BYTES ? JSON.parse(text) : undefined;
  } catch {
    answer = undefined;
  }
  if (!response.ok) {
    const message = typeof (answer as { message?: unknown } | undefined)?.message === 'string' ? (answer as { message: string }).message.slice(0, 300) : 'no reason given';
    throw new ConfigurationError(`the sandbox refused: HTTP ${response.status}: ${message}`);
  }
  const state = answer as FaultState | undefined;
  if (typeof state?.target !== 'string' || typeof state.latencyMs !== 'number') throw new ConfigurationError(`the sandbox at ${url.origin} gave an answer that is not a fault state`);
  process.stdout.write(describeState(state));
  return 0;
}
