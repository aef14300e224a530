/**
 * The one way user-controlled text (file paths, object names, messages that quote YAML, hints, cluster errors)
 * enters GitHub-flavoured Markdown: the PR comment, the check run's summary and text, CLI Markdown.
 *
 * - `code`: a code span whose fence is longer than any backtick run inside it (padded when the text starts or ends
 *   with a backtick), on one line. GitHub renders no mention, reference, link or HTML inside code.
 * - `text`: prose. Code spans the text already holds (a message quoting `a value`) are kept, rebuilt with `code`;
 *   everything else has Markdown punctuation backslash-escaped (no emphasis, link, image, HTML or table cell can
 *   start), `@mentions`, `#123` references and bare URLs neutralised with a zero-width space, and line breaks
 *   folded (a line break could end a list item or a table row).
 * - `html`: the text of an HTML element such as `<code>` (in a `<summary>`, where Markdown is not read).
 * `inTable` escapes `|` too, which splits GFM table cells even inside code spans.
 *
 * `escapeTerminal` is the same idea for plain text printed to a terminal (the CLI's text output): no control
 * character from input (escape sequences that recolour, retitle or rewrite the screen) reaches it.
 */

export type EscapeAs = 'text' | 'code' | 'html';

export interface EscapeOptions {
  /** Default: `text`. */
  readonly as?: EscapeAs;
  /** The result goes in a GFM table cell. Default: false. */
  readonly inTable?: boolean;
}

const ZWSP = '\u200b';

export function escapeMarkdown(value: string, options: EscapeOptions = {}): string {
  const as = options.as ?? 'text';
  const inTable = options.inTable ?? false;
  if (as === 'html') return escapeHtml(oneLine(value));
  if (as === 'code') return codeSpan(value, inTable);
  return splitCodeSpans(oneLine(value))
    .map((part) => (part.code ? codeSpan(part.text, inTable) : escapeProse(part.text)))
    .join('');
}

/** A fenced code block (```` ```diff ````) whose fence is longer than any backtick run in `lines`, each line kept on one line. */
export function fencedBlock(lines: readonly string[], info = ''): string[] {
  const body = lines.map(oneLine);
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(body.join('\n')) + 1));
  return [`${fence}${info}`, ...body, fence];
}

function codeSpan(value: string, inTable: boolean): string {
  let text = oneLine(value);
  if (inTable) text = text.replace(/\|/g, '\\|');
  const fence = '`'.repeat(longestBacktickRun(text) + 1);
  // CommonMark strips one space on each side when both are there: pad text that touches a backtick or a space.
  const pad = text === '' || text.startsWith('`') || text.endsWith('`') || (text.startsWith(' ') && text.endsWith(' ')) ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function escapeProse(text: string): string {
  return (
    text
      // Every ASCII punctuation that can start Markdown or HTML: emphasis, code, links and images (no `[`, no
      // link), HTML and autolinks, entities, headings, strikethrough, table cells.
      .replace(/[\\`*_[\]<>&#~|]/g, (c) => `\\${c}`)
      .replace(/@(?=[A-Za-z0-9])/g, `@${ZWSP}`)
      .replace(/\\#(?=[0-9])/g, `\\#${ZWSP}`)
      .replace(/([A-Za-z])(:\/\/)/g, `$1${ZWSP}$2`)
      .replace(/\b(www)\./gi, `$1${ZWSP}.`)
  );
}

/** The text cut into plain parts and code spans, as CommonMark pairs backtick runs of equal length. */
function splitCodeSpans(text: string): { readonly code: boolean; readonly text: string }[] {
  const parts: { code: boolean; text: string }[] = [];
  let plain = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '`') {
      plain += text[i];
      i++;
      continue;
    }
    let run = 0;
    while (text[i + run] === '`') run++;
    const close = findRun(text, i + run, run);
    if (close === -1) {
      plain += text.slice(i, i + run);
      i += run;
      continue;
    }
    if (plain) parts.push({ code: false, text: plain });
    plain = '';
    let inner = text.slice(i + run, close);
    if (inner.length > 1 && inner.startsWith(' ') && inner.endsWith(' ') && inner.trim() !== '') inner = inner.slice(1, -1);
    parts.push({ code: true, text: inner });
    i = close + run;
  }
  if (plain) parts.push({ code: false, text: plain });
  return parts;
}

/** Where a backtick run of exactly `length` starts at or after `from`, or -1. */
function findRun(text: string, from: number, length: number): number {
  let i = from;
  while (i < text.length) {
    if (text[i] !== '`') {
      i++;
      continue;
    }
    let run = 0;
    while (text[i + run] === '`') run++;
    if (run === length) return i;
    i += run;
  }
  return -1;
}

function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const match of text.matchAll(/`+/g)) longest = Math.max(longest, match[0].length);
  return longest;
}

/** Line breaks (and other control characters) become spaces or visible marks: the text stays on its line. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '\ufffd');
}

/** Text for HTML element content and quoted attribute values (the status page uses it for every string it shows). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Text for a terminal: CRLF becomes LF; every other control character but line feed and tab becomes U+FFFD. */
export function escapeTerminal(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\r\n/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '\ufffd');
}
