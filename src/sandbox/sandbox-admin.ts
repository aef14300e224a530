/**
 * The sandbox's admin endpoint: a loopback HTTP server, separate from the virtual clusters (so that it still
 * answers while a cluster refuses connections), through which `kkp-gitops sandbox fault` drives the fault
 * switches (`emulator/faults.ts`) of a running sandbox. Only the sandbox's own admin token may call it: no token
 * is 401, any other token (a ServiceAccount's included) 403. The sandbox's kubeconfig carries its address and token
 * as an extension of the master's cluster entry (`SANDBOX_ADMIN_EXTENSION`).
 *
 * - `GET  /faults/<target>`: the target's fault state;
 * - `POST /faults/<target>` with a `FaultCommand` (JSON): changes it, answers the new state.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { EmulatedCluster } from '../emulator/start-emulator.js';
import type { FailureStatus } from '../emulator/faults.js';

/** The kubeconfig extension (on the master's cluster entry) holding `{ server, token }` of the admin endpoint. */
export const SANDBOX_ADMIN_EXTENSION = 'sandbox.kkp-gitops.dev/admin';

export const FAILURE_STATUSES: readonly FailureStatus[] = [500, 503, 429];

/** A change of one target's fault switches. `clear` resets latency and failures and accepts connections again. */
export interface FaultCommand {
  readonly refuse?: boolean;
  readonly accept?: boolean;
  readonly latencyMs?: number;
  /** 0..1. */
  readonly failureRate?: number;
  readonly failureStatus?: FailureStatus;
  readonly clear?: boolean;
}

export interface FaultState {
  readonly target: string;
  readonly refusingConnections: boolean;
  readonly latencyMs: number;
  readonly failureRate: number;
  readonly failureStatus: FailureStatus;
}

export interface SandboxAdmin {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly token: string;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 4096;

/** Why a fault command is not valid, or undefined when it is. Commands come from outside: checked field by field. */
export function faultCommandError(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'the body must be a JSON object';
  const command = value as Record<string, unknown>;
  const known = new Set(['refuse', 'accept', 'latencyMs', 'failureRate', 'failureStatus', 'clear']);
  const unknown = Object.keys(command).find((k) => !known.has(k));
  if (unknown !== undefined) return `unknown field "${unknown.slice(0, 64)}"`;
  for (const flag of ['refuse', 'accept', 'clear']) if (command[flag] !== undefined && typeof command[flag] !== 'boolean') return `${flag} must be a boolean`;
  if (command['refuse'] === true && command['accept'] === true) return 'refuse and accept exclude each other';
  const latency = command['latencyMs'];
  if (latency !== undefined && !(typeof latency === 'number' && Number.isInteger(latency) && latency >= 0 && latency <= 600_000)) return 'latencyMs must be an integer from 0 to 600000';
  const rate = command['failureRate'];
  if (rate !== undefined && !(typeof rate === 'number' && rate >= 0 && rate <= 1)) return 'failureRate must be a number from 0 to 1';
  const status = command['failureStatus'];
  if (status !== undefined && !FAILURE_STATUSES.includes(status as FailureStatus)) return `failureStatus must be one of ${FAILURE_STATUSES.join(', ')}`;
  return undefined;
}

function stateOf(cluster: EmulatedCluster): FaultState {
  const { latencyMs, failureRate, failureStatus } = cluster.faults.settings;
  return { target: cluster.name, refusingConnections: cluster.faults.refusingConnections, latencyMs, failureRate, failureStatus };
}

async function execute(cluster: EmulatedCluster, command: FaultCommand): Promise<void> {
  const { faults } = cluster;
  if (command.clear) faults.clear();
  const changes = {
    ...(command.latencyMs !== undefined ? { latencyMs: command.latencyMs } : {}),
    ...(command.failureRate !== undefined ? { failureRate: command.failureRate } : {}),
    ...(command.failureStatus !== undefined ? { failureStatus: command.failureStatus } : {}),
  };
  if (Object.keys(changes).length > 0) faults.set(changes);
  if (command.refuse && !faults.refusingConnections) await faults.refuseConnections();
  if ((command.accept || command.clear) && faults.refusingConnections) await faults.acceptConnections();
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

function readBounded(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the bound: answered at once (see `serve`), the rest is drained unread and the connection closed.
      if (size > MAX_BODY_BYTES) resolve(undefined);
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Starts the admin endpoint for `clusters` (by name: `master`, `seed-eu`, ...) on a free loopback port. */
export async function startSandboxAdmin(clusters: ReadonlyMap<string, EmulatedCluster>, host = '127.0.0.1'): Promise<SandboxAdmin> {
  const token = `sandbox-admin-${randomBytes(24).toString('base64url')}`;
  const expected = Buffer.from(`Bearer ${token}`);
  const sockets = new Set<Socket>();

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const header = req.headers.authorization;
    if (!header) return send(res, 401, { message: 'the sandbox admin endpoint needs the bearer token of the sandbox kubeconfig' });
    const given = Buffer.from(header);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return send(res, 403, { message: 'this token may not call the sandbox admin endpoint' });
    const match = /^\/faults\/([a-z0-9][-a-z0-9]{0,62})$/.exec(req.url ?? '');
    const cluster = match ? clusters.get(match[1] ?? '') : undefined;
    if (!cluster) return send(res, 404, { message: `no such target; targets: ${[...clusters.keys()].join(', ')}` });
    if (req.method === 'GET') return send(res, 200, stateOf(cluster));
    if (req.method !== 'POST') return send(res, 405, { message: 'GET or POST' });
    const text = await readBounded(req);
    if (text === undefined) {
      res.setHeader('Connection', 'close');
      return send(res, 413, { message: `the body exceeds ${MAX_BODY_BYTES} bytes` });
    }
    let command: unknown;
    try {
      command = JSON.parse(text);
    } catch {
      return send(res, 400, { message: 'the body is not JSON' });
    }
    const error = faultCommandError(command);
    if (error !== undefined) return send(res, 400, { message: error });
    await execute(cluster, command as FaultCommand);
    send(res, 200, stateOf(cluster));
  }

  const server = createServer((req, res) => {
    serve(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, { message: 'the fault could not be switched' });
      else res.destroy();
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
  return {
    url: `http://${host}:${port}`,
    token,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
