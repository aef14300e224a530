/** The one vocabulary for outcomes, used by plan, apply result, reports, metrics and the CLI. */
export const ACTIONS = ['create', 'update', 'delete', 'unchanged', 'skip'] as const;
export type Action = (typeof ACTIONS)[number];
