/**
 * `/kkp allow-deletions` as GitHub keeps it. The plan comment carries a hidden gate marker naming the head it was
 * planned for and the exact gated changes (`gateKeyOf`) it showed. An allowance is a comment the app writes in
 * answer, carrying the head and that exact set (the `Allowance` of the core), plus a commit status on the head so
 * the pull request shows it. Only the app's own comments and statuses count (anyone may write a comment with the
 * same marker). A status or comment belongs to one head: a new push leaves the new head without any.
 */
import type { Allowance } from '../core/reconcile/allowance.js';
import type { CheckRunSummary, GitHubRepository, IssueComment } from './github-repository.js';
import { GITHUB_LIMITS } from './github-limits.js';

export const ALLOWANCE_CONTEXT = 'kkp-gitops/allow-deletions';

const GATE = 'kkp-gitops:gate';
const ALLOWANCE = 'kkp-gitops:allowance';
/** At most this many gated changes are carried in one marker (a plan gating more asks for several allowances). */
const MAX_KEYS = 1_000;

/** What a plan comment showed: its head and the gated changes it listed. */
export interface PlanGate {
  readonly head: string;
  readonly changes: readonly string[];
}

/** The hidden marker of a plan comment (JSON with `<`/`>` escaped: an object name can never close the comment). */
export function gateMarker(gate: PlanGate): string {
  return `<!-- ${GATE} ${safeJson({ head: gate.head, changes: gate.changes.slice(0, MAX_KEYS) })} -->`;
}

/** The gate of the app's newest plan comment, if any. */
export function readPlanGate(comments: readonly IssueComment[], appLogin: string): PlanGate | undefined {
  for (const comment of [...comments].reverse()) {
    if (!ours(comment, appLogin)) continue;
    const gate = parseMarker(comment.body, GATE);
    if (gate) return gate;
  }
  return undefined;
}

/** Every allowance the app recorded on the pull request (for any head: the core counts only the head's). */
export function readAllowances(comments: readonly IssueComment[], appLogin: string): Allowance[] {
  return comments.flatMap((comment) => {
    if (!ours(comment, appLogin)) return [];
    const found = parseMarker(comment.body, ALLOWANCE);
    return found ? [{ head: found.head, changes: found.changes, ...(found.by ? { by: found.by } : {}) }] : [];
  });
}

/** The allowances of pull request `number` that answer `head`. */
export async function allowancesFor(github: GitHubRepository, number: number, head: string, appLogin: string): Promise<Allowance[]> {
  return readAllowances(await github.listComments(number), appLogin).filter((a) => a.head === head);
}

/** Records an allowance: the comment with its exact set, then the commit status on its head. */
export async function recordAllowance(github: GitHubRepository, number: number, allowance: Allowance & { readonly by: string }): Promise<void> {
  const changes = allowance.changes === 'everything' ? [] : allowance.changes;
  const list = changes.length ? changes.slice(0, 50).map((k) => `- \`${k.replace(/`/g, "'")}\``).join('\n') + (changes.length > 50 ? `\n- … and ${changes.length - 50} more` : '') : '_(the plan gated no change)_';
  const body = [
    `<!-- ${ALLOWANCE} ${safeJson({ head: allowance.head, changes: changes.slice(0, MAX_KEYS), by: allowance.by })} -->`,
    `@${allowance.by} allowed ${changes.length} change${changes.length === 1 ? '' : 's'} of the plan for \`${allowance.head.slice(0, 7)}\`; on merge these, and only these, run:`,
    '',
    list,
    '',
  ].join('\n');
  await github.createComment(number, body);
  const description = `${changes.length} change(s) accepted by @${allowance.by} for this commit`.slice(0, GITHUB_LIMITS.statusDescription);
  await github.setCommitStatus(allowance.head, ALLOWANCE_CONTEXT, 'success', description);
}

/**
 * Whether a person writing at `writtenAt` could have seen a plan of `head`: one of its plan check runs had completed
 * by then. A comment written before the head's plan existed (the author pushed meanwhile) answers an older plan.
 */
export function sawPlanOf(runs: readonly CheckRunSummary[], writtenAt: string | undefined): boolean {
  if (writtenAt === undefined) return runs.some((r) => r.status === 'completed');
  const at = Date.parse(writtenAt);
  return runs.some((r) => r.status === 'completed' && r.completedAt !== null && r.completedAt !== undefined && Date.parse(r.completedAt) <= at);
}

function ours(comment: IssueComment, appLogin: string): boolean {
  return comment.byBot && comment.authorLogin === appLogin;
}

function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/-/g, '\\u002d');
}

function parseMarker(body: string, name: string): { head: string; changes: string[]; by?: string } | undefined {
  const start = body.indexOf(`<!-- ${name} `);
  if (start < 0) return undefined;
  const end = body.indexOf(' -->', start);
  if (end < 0) return undefined;
  try {
    const value: unknown = JSON.parse(body.slice(start + name.length + 6, end));
    if (typeof value !== 'object' || value === null) return undefined;
    const { head, changes, by } = value as Record<string, unknown>;
    if (typeof head !== 'string' || !/^[0-9a-f]{40}$/.test(head) || !Array.isArray(changes) || changes.length > MAX_KEYS) return undefined;
    const keys = changes.filter((k): k is string => typeof k === 'string' && k.length <= 600);
    return { head, changes: keys, ...(typeof by === 'string' ? { by } : {}) };
  } catch {
    return undefined;
  }
}
