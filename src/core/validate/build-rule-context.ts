import type { LoadedRepository } from '../load/loaded-repository.js';
import { versionsPolicyOf } from '../versions/versions-policy.js';
import { indexRepository } from './repository-index.js';
import type { RuleContext } from './rule.js';

/** Indexes the head (and base) once; the versions policy is the head's. */
export function buildRuleContext(head: LoadedRepository, base?: LoadedRepository): RuleContext {
  return {
    head: indexRepository(head),
    ...(base ? { base: indexRepository(base) } : {}),
    versions: versionsPolicyOf(head),
  };
}
