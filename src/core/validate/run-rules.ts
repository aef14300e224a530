import type { Diagnostic } from '../diagnostic.js';
import { describeError } from '../errors.js';
import type { Rule, RuleContext } from './rule.js';

/** The rule id of the diagnostic reported when a rule itself fails (a bug in kkp-gitops, never in the input). */
export const RULE_FAILED = 'internal/rule-failed';

/**
 * Runs rules over a context, each rule's diagnostics in a list of their own (same order as `rules`). A rule that
 * throws does not stop the others: its failure becomes one diagnostic, so validation never throws.
 */
export function runRules(context: RuleContext, rules: readonly Rule[]): Diagnostic[][] {
  return rules.map((rule) => {
    try {
      return rule.check(context);
    } catch (error) {
      return [
        {
          file: '',
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 1,
          pointer: '',
          rule: RULE_FAILED,
          severity: 'error',
          message: `rule ${rule.id} failed: ${describeError(error)}`,
          hint: 'This is a bug in kkp-gitops; please report it with the input that caused it.',
        },
      ];
    }
  });
}
