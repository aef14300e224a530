/**
 * An allowance: a person's `/kkp allow-deletions` for one plan. It covers the exact set of gated changes
 * (`gateKeyOf`) that plan showed, for the head commit the plan was made for, and nothing else: a deletion the plan
 * did not list, or a later head, is not covered.
 */
export interface Allowance {
  /** The commit whose plan the person saw. */
  readonly head: string;
  /**
   * `gateKeyOf` of every gated change that plan listed, or `everything` (the person running `kkp-gitops apply
   * --allow-deletions` at a terminal allows the plan in front of them).
   */
  readonly changes: readonly string[] | 'everything';
  /** Who allowed them (for reports). */
  readonly by?: string;
}

/** The keys the allowances for `head` cover (allowances of other commits count for nothing). */
export function allowedKeys(allowances: readonly Allowance[], head: string | undefined): { has(key: string): boolean } {
  const mine = allowances.filter((a) => head !== undefined && a.head === head);
  if (mine.some((a) => a.changes === 'everything')) return { has: () => true };
  return new Set(mine.flatMap((a) => (a.changes === 'everything' ? [] : a.changes)));
}
