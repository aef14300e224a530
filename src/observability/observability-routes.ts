/**
 * One handler for the server that answers `/metrics`, `/healthz` and `/readyz` and passes on everything
 * else. It has Probot's `Handler` shape (`(req, res) => boolean | Promise<boolean>`: true when it answered),
 * so it plugs into `Server#addHandler` or `ApplicationFunctionOptions.addHandler`, or wraps a plain
 * node:http server's request listener.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HealthHandlers } from './health.js';
import { metricsHandler } from './metrics-handler.js';
import type { Metrics } from './metrics.js';

export interface ObservabilityRoutesOptions {
  /** Serves `/metrics` when given. */
  readonly metrics?: Pick<Metrics, 'registry'>;
  /** Serves `/healthz` and `/readyz` when given. */
  readonly health?: Pick<HealthHandlers, 'healthz' | 'readyz'>;
  /** Paths, when the defaults clash with something. Default: `/metrics`, `/healthz`, `/readyz`. */
  readonly paths?: { readonly metrics?: string; readonly healthz?: string; readonly readyz?: string };
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export function observabilityRoutes(options: ObservabilityRoutesOptions): RouteHandler {
  const routes = new Map<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>>();
  if (options.metrics) routes.set(options.paths?.metrics ?? '/metrics', metricsHandler(options.metrics.registry));
  if (options.health) {
    routes.set(options.paths?.healthz ?? '/healthz', options.health.healthz);
    routes.set(options.paths?.readyz ?? '/readyz', options.health.readyz);
  }
  return async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = routes.get(path);
    if (!route) return false;
    await route(req, res);
    return true;
  };
}
