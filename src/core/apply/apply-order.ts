/**
 * The apply order within a kind, as a table: the kind table (`kinds.ts` `applyOrder`) orders kinds; these rules
 * put some changes of a kind before the others of its stage, each with the reason KKP needs it. A change a rule
 * matches gets its own stage, `EARLIER` before its kind's (a Seed update that gives up a datacenter: order 9.5,
 * before the Seeds at 10); the apply runs stages one after the other, so the earlier one has been written when the
 * others are sent.
 */
import type { Change } from '../plan/plan.js';

export interface ApplyOrderRule {
  /** The kind whose changes the rule orders. */
  readonly kind: string;
  /** Why, for people reading the table. */
  readonly why: string;
  /** Whether the change runs before the other changes of its kind. */
  readonly first: (change: Change) => boolean;
}

/** How much earlier than its kind's order a change a rule matches runs (less than the kinds' spacing). */
export const EARLIER = 0.5;

export const APPLY_ORDER_RULES: readonly ApplyOrderRule[] = [
  {
    kind: 'Seed',
    why:
      "KKP's Seed webhook refuses a Seed that names a datacenter another Seed still has (pkg/webhook/seed/validation.go): " +
      'a datacenter moving between seeds must leave the Seed that loses it before the Seed that gains it is written.',
    // An update that removes datacenters from a live Seed (`destructive`, see compute-plan.ts).
    first: (change) => change.action === 'update' && change.destructive,
  },
];

/** The apply order of a change: its kind's, made earlier when a rule of the table matches it. */
export function applyOrderOf(kindOrder: number, change: Change): number {
  return APPLY_ORDER_RULES.some((rule) => rule.kind === change.id.kind && rule.first(change)) ? kindOrder - EARLIER : kindOrder;
}
