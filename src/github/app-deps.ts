/** What the handlers depend on; `src/app.ts` builds the production set, tests build their own. */
import type { Coordination } from '../coordination/coordination.js';
import type { KkpEngine } from '../engine/kkp-engine.js';
import type { PullRequestHeads } from './plan-pull-request.js';
import type { RepositoryMirrors } from './repository-mirror.js';

export interface AppLog {
  info(data: object, message: string): void;
  warn(data: object, message: string): void;
  error(data: object, message: string): void;
}

export interface AppDeps {
  readonly engine: KkpEngine;
  readonly mirrors: RepositoryMirrors;
  /** The app's bot account (`<slug>[bot]`): only its statuses count as allowances. */
  readonly appLogin: () => Promise<string>;
  readonly log: AppLog;
  /**
   * Repository locks and the applied-commit record (Leases on the master). The app always sets it; without it a push
   * is applied directly, with no cross-process lock and no record (single-process unit tests).
   */
  readonly coordination?: Coordination;
  /** The newest head known per pull request: a plan for an older head is abandoned. Default: none (never abandoned). */
  readonly heads?: PullRequestHeads;
  /**
   * Wait after applying each target until KKP reports it healthy, where the repository's `spec.rollout.wait` (default
   * true) asks for it. The app sets it from `KKP_GITOPS_HEALTH_WAIT` (default on); off for KKP installations whose
   * controllers do not write status (the sandbox without `--kkp-controllers`). Default here: false.
   */
  readonly healthWait?: boolean;
}

/** The check run's name, shown on every pull request. */
export const CHECK_NAME = 'kkp-gitops';
/** The sticky plan comment's marker name (`<!-- kkp-gitops:plan -->`). */
export const PLAN_COMMENT = 'plan';
