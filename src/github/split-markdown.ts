/**
 * Splits Markdown into parts of at most `limit` characters on block boundaries: a blank line outside any
 * `<details>` element and outside any fenced code block. A single block longer than `limit` is replaced by a
 * note, never cut in the middle (that would leave an open fence or `<details>` and break the rest).
 */
export interface SplitOptions {
  /** Largest part, in characters. */
  readonly limit: number;
  /** Most parts; what does not fit is left out and `truncated` is set. Default: unlimited. */
  readonly maxParts?: number;
  /** Stands in for a block longer than `limit`. */
  readonly oversizedBlock?: string;
}

export interface SplitMarkdown {
  readonly parts: readonly string[];
  /** Blocks were left out (`maxParts` reached or a block replaced). */
  readonly truncated: boolean;
}

const OVERSIZED = '_(One entry is too long for a comment and is left out here; the check run holds the full plan.)_';

/** Top-level blocks: runs of lines that end at a blank line outside `<details>` and code fences. */
export function markdownBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  let current: string[] = [];
  let fence: string | undefined;
  let depth = 0;
  for (const line of markdown.split('\n')) {
    const fenceMatch = /^\s*(`{3,}|~{3,})/.exec(line);
    if (fence !== undefined) {
      if (fenceMatch && fenceMatch[1]!.startsWith(fence)) fence = undefined;
    } else if (fenceMatch) {
      fence = fenceMatch[1]!;
    } else {
      depth += (line.match(/<details[\s>]/gi) ?? []).length - (line.match(/<\/details>/gi) ?? []).length;
      if (depth < 0) depth = 0;
    }
    if (line.trim() === '' && fence === undefined && depth === 0) {
      if (current.length > 0) blocks.push(current.join('\n'));
      current = [];
    } else {
      current.push(line);
    }
  }
  if (current.length > 0) blocks.push(current.join('\n'));
  return blocks;
}

export function splitMarkdown(markdown: string, options: SplitOptions): SplitMarkdown {
  if (markdown.length <= options.limit) return { parts: [markdown], truncated: false };
  const oversized = options.oversizedBlock ?? OVERSIZED;
  const maxParts = options.maxParts ?? Number.POSITIVE_INFINITY;
  const parts: string[] = [];
  let current = '';
  let truncated = false;
  for (const original of markdownBlocks(markdown)) {
    let block = original;
    if (block.length > options.limit) {
      block = oversized;
      truncated = true;
    }
    const joined = current === '' ? block : `${current}\n\n${block}`;
    if (joined.length <= options.limit) {
      current = joined;
      continue;
    }
    parts.push(`${current}\n`);
    if (parts.length >= maxParts) {
      current = '';
      truncated = true;
      break;
    }
    current = block;
  }
  if (current !== '') parts.push(`${current}\n`);
  return { parts, truncated };
}
