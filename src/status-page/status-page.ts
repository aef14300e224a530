/**
 * The status page as `kkp-gitops serve` wires it: off unless `KKP_GITOPS_STATUS_PAGE=true`. When on, it gives the
 * decorators that take its notes (engine, Octokit plugin, deliveries) and the routes that serve it; when off, every
 * piece is the identity and no route answers.
 */
import { ConfigurationError } from '../core/errors.js';
import type { KkpEngine } from '../engine/kkp-engine.js';
import { createLeaseStore, type LeaseClientOptions } from '../kube/lease-client.js';
import type { RouteHandler } from '../observability/observability-routes.js';
import { observeDelivery, observeOctokit } from './github-observer.js';
import { recordingEngine } from './recording-engine.js';
import { createStatusRecorder, type StatusRecorder } from './status-recorder.js';
import { statusPageRoutes } from './status-page-routes.js';

export interface StatusPage {
  readonly enabled: boolean;
  readonly recorder?: StatusRecorder;
  engine(engine: KkpEngine): KkpEngine;
  /** For `Octokit.plugin(...)`; undefined when off. */
  readonly octokitPlugin?: ReturnType<typeof observeOctokit>;
  onDelivery(name: string, payload: unknown): void;
  /** Undefined when off. */
  readonly routes?: RouteHandler;
}

/** `KKP_GITOPS_STATUS_PAGE`: `true` or `false` (default). */
export function statusPageEnabled(env: NodeJS.ProcessEnv): boolean {
  const value = (env['KKP_GITOPS_STATUS_PAGE'] ?? '').trim().toLowerCase();
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new ConfigurationError(`KKP_GITOPS_STATUS_PAGE must be true or false, not "${env['KKP_GITOPS_STATUS_PAGE']}"`);
}

export function createStatusPage(options: { env: NodeJS.ProcessEnv; cluster: LeaseClientOptions; replica: () => string | undefined }): StatusPage {
  if (!statusPageEnabled(options.env)) return { enabled: false, engine: (engine) => engine, onDelivery: () => undefined };
  const recorder = createStatusRecorder(() => options.replica() ?? 'this replica');
  return {
    enabled: true,
    recorder,
    engine: (engine) => recordingEngine(engine, recorder),
    octokitPlugin: observeOctokit(recorder),
    onDelivery: (name, payload) => observeDelivery(recorder, name, payload),
    routes: statusPageRoutes({ recorder, leases: createLeaseStore(options.cluster) }),
  };
}
