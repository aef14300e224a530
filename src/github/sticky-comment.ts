/**
 * The app's sticky pull request comment: found by a hidden marker among the app's own comments (author equal to the
 * app's bot login, never another bot that copied the marker) and edited in place.
 * A body longer than one comment is split on Markdown block boundaries into numbered parts, each with its own
 * marker; parts no longer needed are deleted.
 */
import type { GitHubRepository } from './github-repository.js';
import { GITHUB_LIMITS } from './github-limits.js';
import { splitMarkdown } from './split-markdown.js';

export interface StickyCommentOptions {
  /** Marker name: the comment holds `<!-- kkp-gitops:<name> -->`. */
  readonly name: string;
  /** The app's own bot login (`<slug>[bot]`): only its comments are edited or deleted. */
  readonly author: string;
  /** Most comments the body may take; the rest is left out with a note. Default: 4. */
  readonly maxParts?: number;
  /** Characters per comment. Default: GitHub's 65,536. */
  readonly limit?: number;
}

export interface StickyCommentResult {
  readonly commentIds: readonly number[];
  /** Some of the body did not fit. */
  readonly truncated: boolean;
}

/** `<!-- kkp-gitops:plan -->` for part 1, `<!-- kkp-gitops:plan:part-2 -->` for the others. */
export function markerOf(name: string, part = 1): string {
  return part === 1 ? `<!-- kkp-gitops:${name} -->` : `<!-- kkp-gitops:${name}:part-${part} -->`;
}

/** The part number of a comment carrying the marker `name`, or undefined. */
export function partOf(body: string, name: string): number | undefined {
  if (body.includes(markerOf(name))) return 1;
  const match = new RegExp(`<!-- kkp-gitops:${name}:part-(\\d+) -->`).exec(body);
  return match ? Number(match[1]) : undefined;
}

const HEADER_ROOM = 200;

export async function upsertStickyComment(github: GitHubRepository, issueNumber: number, body: string, options: StickyCommentOptions): Promise<StickyCommentResult> {
  const limit = options.limit ?? GITHUB_LIMITS.commentBody;
  const split = splitMarkdown(body, { limit: limit - HEADER_ROOM, maxParts: options.maxParts ?? 4 });
  const count = split.parts.length;
  const bodies = split.parts.map((part, i) => {
    const header = count > 1 ? `${markerOf(options.name, i + 1)}\n${i > 0 ? `_(part ${i + 1} of ${count}, continued)_\n\n` : ''}` : `${markerOf(options.name)}\n`;
    const footer = split.truncated && i === count - 1 ? '\n\n_The plan is longer than fits in comments; the check run `kkp-gitops` holds more of it._\n' : '';
    return `${header}${part}${footer}`;
  });
  const existing = new Map<number, number>();
  for (const comment of await github.listComments(issueNumber)) {
    if (!comment.byBot || comment.authorLogin !== options.author) continue;
    const part = partOf(comment.body, options.name);
    if (part !== undefined && !existing.has(part)) existing.set(part, comment.id);
  }
  const ids: number[] = [];
  for (const [i, text] of bodies.entries()) {
    const id = existing.get(i + 1);
    if (id === undefined) ids.push(await github.createComment(issueNumber, text));
    else {
      await github.updateComment(id, text);
      ids.push(id);
    }
  }
  for (const [part, id] of existing) if (part > count) await github.deleteComment(id);
  return { commentIds: ids, truncated: split.truncated };
}
