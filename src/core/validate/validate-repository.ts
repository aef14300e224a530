import { compareDiagnostics, type Diagnostic } from '../diagnostic.js';
import type { LoadedRepository } from '../load/loaded-repository.js';
import type { SourceDocument } from '../load/source-document.js';
import { buildRuleContext } from './build-rule-context.js';
import type { Rule } from './rule.js';
import { RULES } from './rules/index.js';
import { runRules } from './run-rules.js';
import { validateDocumentSchema } from './schema/validate-document-schema.js';

export interface ValidateOptions {
  /** The revision the change starts from (a pull request's base); enables the `change/*` rules. Default: none. */
  readonly base?: LoadedRepository;
  /** The cross-object rules to run. Default: every rule of `rules/index.ts`. */
  readonly rules?: readonly Rule[];
}

/**
 * Every finding about a repository: what the loader reported, each document against its kind's schema, and the
 * cross-object rules; sorted with `compareDiagnostics`. Never throws. Only the head is checked: the base's own
 * problems are not the change's.
 *
 * Rules run on every document (they read defensively). Where a rule and the schema report the same node, one
 * diagnostic is kept: the schema's, unless the rule `supersedesSchema` (its message is the more useful one).
 */
/**
 * Schema findings by parsed document (the loader shares a file's documents between revisions while its blob id is
 * unchanged, and they are read-only): a pull request's head is checked against the schemas only where it differs.
 */
const schemaFindings = new WeakMap<object, { readonly release: string | undefined; readonly diagnostics: readonly Diagnostic[] }>();

function schemaDiagnosticsOf(doc: SourceDocument, release: LoadedRepository['config']['kkpVersion']): readonly Diagnostic[] {
  // Hostile input: a document's value may be anything; only objects can key the cache.
  const cacheable = typeof doc.value === 'object' && doc.value !== null;
  const known = cacheable ? schemaFindings.get(doc.value) : undefined;
  if (known && known.release === release) return known.diagnostics;
  const diagnostics = validateDocumentSchema(doc, release);
  if (cacheable) schemaFindings.set(doc.value, { release, diagnostics });
  return diagnostics;
}

export function validateRepository(head: LoadedRepository, options: ValidateOptions = {}): Diagnostic[] {
  const schemaDiagnostics = head.documents.flatMap((doc) => schemaDiagnosticsOf(doc, head.config.kkpVersion));
  const rules = options.rules ?? RULES;
  const ruleDiagnostics = runRules(buildRuleContext(head, options.base), rules);

  const key = (d: Diagnostic) => `${d.file}\u0000${d.pointer}`;
  const schemaNodes = new Set(schemaDiagnostics.map(key));
  const supersededNodes = new Set<string>();
  const kept: Diagnostic[] = [...head.diagnostics];
  rules.forEach((rule, i) => {
    for (const diagnostic of ruleDiagnostics[i] ?? []) {
      if (rule.supersedesSchema) supersededNodes.add(key(diagnostic));
      else if (schemaNodes.has(key(diagnostic))) continue;
      kept.push(diagnostic);
    }
  });
  for (const diagnostic of schemaDiagnostics) if (!supersededNodes.has(key(diagnostic))) kept.push(diagnostic);
  return kept.sort(compareDiagnostics);
}
