/** Diagnostics → check run annotations, sent in batches GitHub accepts, and texts cut to GitHub's limit. */
import type { Diagnostic } from '../core/diagnostic.js';
import { GITHUB_LIMITS } from './github-limits.js';

export interface CheckAnnotation {
  readonly path: string;
  readonly start_line: number;
  readonly end_line: number;
  readonly start_column?: number;
  readonly end_column?: number;
  readonly annotation_level: 'notice' | 'warning' | 'failure';
  readonly message: string;
  readonly title: string;
  readonly raw_details?: string;
}

const LEVEL: Record<Diagnostic['severity'], CheckAnnotation['annotation_level']> = { error: 'failure', warning: 'warning', info: 'notice' };

/** One annotation per diagnostic on its file and lines (columns only where GitHub allows them: on one line). */
export function toAnnotation(d: Diagnostic): CheckAnnotation {
  const startLine = Math.max(1, d.line);
  const endLine = Math.max(startLine, d.endLine);
  const sameLine = startLine === endLine;
  return {
    path: d.file,
    start_line: startLine,
    end_line: endLine,
    ...(sameLine ? { start_column: Math.max(1, d.column), end_column: Math.max(d.column, d.endColumn, 1) } : {}),
    annotation_level: LEVEL[d.severity],
    message: d.hint ? `${d.message}\n${d.hint}` : d.message,
    title: d.rule,
    ...(d.pointer ? { raw_details: d.pointer } : {}),
  };
}

/** Consecutive batches of at most `size` (GitHub: 50 per request). */
export function batches<T>(items: readonly T[], size: number = GITHUB_LIMITS.annotationsPerRequest): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `text` when it fits in `limit` characters, else cut at a line boundary with `note` appended. */
export function fitText(text: string, limit: number = GITHUB_LIMITS.checkRunText, note = '\n\n_(Cut to fit GitHub’s limit; run `kkp-gitops plan` for the whole of it.)_\n'): string {
  if (text.length <= limit) return text;
  const room = text.slice(0, limit - note.length);
  const cut = room.lastIndexOf('\n');
  return `${cut > 0 ? room.slice(0, cut) : room}${note}`;
}
