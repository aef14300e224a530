import type { Diagnostic } from '../diagnostic.js';
import type { VersionsPolicy } from '../versions/versions-policy.js';
import type { RepositoryIndex } from './repository-index.js';

/** What a cross-object rule sees: the repository under validation, the one it changes (if any), and the policies. */
export interface RuleContext {
  /** The revision being validated. */
  readonly head: RepositoryIndex;
  /** The revision the change starts from (a pull request's base), when validating a change. */
  readonly base?: RepositoryIndex;
  /** The Kubernetes versions clusters of `head` may run (its KubermaticConfiguration, else KKP's defaults). */
  readonly versions: VersionsPolicy;
}

/**
 * One cross-object rule. `check` never throws, whatever the shape of the documents (they may have failed their
 * schema): it reads through `plain-data.ts` and skips what it cannot understand.
 */
export interface Rule {
  /** Stable id, also the `rule` of its diagnostics (`datacenter/unique-name`). */
  readonly id: string;
  /** One line for people: what the rule enforces. */
  readonly description: string;
  /**
   * When true, a schema diagnostic at the same file and pointer is dropped in favour of this rule's (its message
   * is more useful, e.g. an inline credential). Otherwise the rule's diagnostic is dropped when the schema already
   * reported the node. Default: false.
   */
  readonly supersedesSchema?: boolean;
  check(context: RuleContext): Diagnostic[];
}
