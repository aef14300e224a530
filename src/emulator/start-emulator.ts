/**
 * `startEmulator`: one virtual Kubernetes cluster served over HTTP/1.1 on a loopback port, with fault
 * injection and a request log. Plain `node:http`, no framework.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { AdmissionPlugin } from './admission.js';
import { ApiError, internalError, serviceUnavailable, tooManyRequests } from './api-status.js';
import { FaultController } from './faults.js';
import type { FieldManagement } from './field-management.js';
import { handleNonResource, handleResource, type HandlerContext, sendError } from './http-handler.js';
import { OpenApiCache } from './openapi-v3.js';
import { queryBool } from './query-bool.js';
import { parseRequestInfo } from './request-info.js';
import { RequestLog } from './request-log.js';
import { NAMESPACES } from './resource-type.js';
import { createRbacAuthorizer, type RbacAuthorizer } from './rbac/rbac-authorizer.js';
import { ssaFieldManagement } from './ssa-field-management.js';
import { VirtualCluster } from './virtual-cluster.js';

export interface EmulatorOptions {
  /** Name of the virtual cluster (`master`, `seed-eu`). Default `cluster`. */
  readonly name?: string;
  /** Default `127.0.0.1` (loopback only). */
  readonly host?: string;
  /** Default 0: any free port. */
  readonly port?: number;
  /** Called before storing objects, in order (mutating first, then validating). */
  readonly admission?: readonly AdmissionPlugin[];
  /** Default: the system clock. */
  readonly clock?: () => Date;
  /** Change events kept for watches resuming from a resourceVersion. Default 10,000. */
  readonly watchHistory?: number;
  /** Interval of BOOKMARK events on watches that allow them. Default 10,000 ms. */
  readonly bookmarkIntervalMs?: number;
  /** Request records kept. Default 100,000. */
  readonly requestLogCapacity?: number;
  /** Default: the server-side apply module. */
  readonly fieldManagement?: FieldManagement;
  /** Authenticate ServiceAccount tokens and enforce RBAC (see `rbac/rbac-authorizer.ts`). Default: false. */
  readonly authorization?: boolean;
}

export interface EmulatedCluster {
  readonly name: string;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The cluster's API semantics and storage, for direct in-process reads and writes. */
  readonly api: VirtualCluster;
  readonly faults: FaultController;
  readonly requests: RequestLog;
  /** Present when started with `authorization: true`: issues ServiceAccount tokens. */
  readonly rbac?: RbacAuthorizer;
  /** Closes the listener and every open connection (watches included). */
  stop(): Promise<void>;
}

/** The namespaces every cluster starts with. */
export const DEFAULT_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'] as const;

function splitUrl(url: string): { path: string; queryString: string } {
  const q = url.indexOf('?');
  return q < 0 ? { path: url, queryString: '' } : { path: url.slice(0, q), queryString: url.slice(q + 1) };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function close(server: Server, sockets: Set<Socket>): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      for (const s of sockets) s.destroy();
      resolve();
      return;
    }
    server.close(() => resolve());
    for (const s of sockets) s.destroy();
  });
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatedCluster> {
  const name = options.name ?? 'cluster';
  const host = options.host ?? '127.0.0.1';
  const api = new VirtualCluster({
    name,
    fieldManagement: options.fieldManagement ?? ssaFieldManagement,
    ...(options.admission ? { admission: options.admission } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.watchHistory ? { watchHistory: options.watchHistory } : {}),
  });
  for (const namespace of DEFAULT_NAMESPACES) {
    api.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }, { fieldManager: 'kube-apiserver' });
  }
  const rbac = options.authorization ? createRbacAuthorizer(api) : undefined;
  const requests = new RequestLog(options.requestLogCapacity ? { capacity: options.requestLogCapacity } : {});
  const sockets = new Set<Socket>();
  let port = options.port ?? 0;
  const ctx: HandlerContext = {
    cluster: api,
    openapi: new OpenApiCache(api.registry),
    serverAddress: () => `${host}:${port}`,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 10_000,
  };

  const server = createServer({ keepAlive: true }, (req, res) => void serve(req, res));
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const faults = new FaultController({
    refuse: () => close(server, sockets),
    accept: async () => {
      await listen(server, port, host);
    },
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { path, queryString } = splitUrl(req.url ?? '/');
    const query = new URLSearchParams(queryString);
    const method = req.method ?? 'GET';
    const info = parseRequestInfo(method, path, queryBool(query, 'watch'));
    const verb = info.kind === 'resource' ? info.verb : 'nonresource';
    let injected = false;
    res.once('close', () => {
      requests.record({
        method,
        path,
        query: queryString,
        verb,
        resource: info.kind === 'resource' ? (info.group ? `${info.resource}.${info.group}` : info.resource) : '',
        ...(info.kind === 'resource' && info.namespace !== undefined ? { namespace: info.namespace } : {}),
        ...(info.kind === 'resource' && info.name !== undefined ? { name: info.name } : {}),
        ...(info.kind === 'resource' && info.subresource !== undefined ? { subresource: info.subresource } : {}),
        contentType: req.headers['content-type'] ?? '',
        status: res.statusCode,
        injected,
        dryRun: query.getAll('dryRun').includes('All'),
      });
    });
    try {
      const settings = faults.settings;
      if (settings.latencyMs > 0) await new Promise((r) => setTimeout(r, settings.latencyMs));
      if (faults.shouldFail(verb)) {
        injected = true;
        req.resume();
        if (settings.refusal) {
          const { code, reason, message, causes } = settings.refusal;
          throw new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, message, ...(reason ? { reason } : {}), ...(causes ? { details: { causes: causes.map((c) => ({ ...c })) } } : {}) });
        }
        if (settings.failureStatus === 429) throw tooManyRequests(settings.retryAfterSeconds);
        if (settings.failureStatus === 503) throw serviceUnavailable('the server is currently unable to handle the request (injected fault)');
        throw internalError('injected fault');
      }
      if (rbac && (await rbac.handle(req, res, info, path))) return;
      if (info.kind === 'resource') await handleResource(ctx, req, res, info, query);
      else await handleNonResource(ctx, req, res, path);
    } catch (error) {
      if (res.headersSent) res.destroy();
      else sendError(res, error);
    }
  }

  port = await listen(server, port, host);
  return {
    name,
    url: `http://${host}:${port}`,
    host,
    port,
    api,
    faults,
    requests,
    ...(rbac ? { rbac } : {}),
    stop: () => close(server, sockets),
  };
}
