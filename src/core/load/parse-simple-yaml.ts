/**
 * A fast parser for the plain subset of YAML that desired-state repositories are almost always written in:
 * block mappings and sequences, one-line plain and quoted scalars, one-line flow sequences of scalars, comments
 * and `---` document markers.
 *
 * Why it exists: the `yaml` package builds a full syntax tree through generators and reads about 3 MB/s on
 * the 2-core machines we target, so 8 MB of configuration (10,000 clusters) would take 3 s to parse alone.
 * This parser reads the same files about ten times faster.
 *
 * Contract: for any text it accepts, the result equals `yaml`'s (`parseAllDocuments(text).map(d => d.toJS())`
 * with the YAML 1.2 core schema). Everything else (anchors, aliases, tags, block scalars, multi-line scalars,
 * complex keys, tabs, CR line ends, duplicate keys, any syntax error) makes it return `undefined`, and the
 * caller parses the file with `yaml`, which also gives the precise error messages. The differential tests in
 * `test/load/parse-simple-yaml.test.ts` hold it to that contract.
 */

/** One document of a file: its plain value and where it sits in the text (UTF-16 offsets, 1-based line). */
export interface SimpleYamlDocument {
  readonly value: unknown;
  /** Offset of the document's first character (its `---` marker, or the start of the file). */
  readonly start: number;
  /** Offset just past the document (the next document's start, or the end of the text). */
  readonly end: number;
  /** Line of the first content line, or of the `---` marker when the document is empty. */
  readonly line: number;
}

interface Line {
  /** Column (0-based) where the content starts. */
  readonly indent: number;
  /** Offset of the first content character. */
  readonly start: number;
  /** Offset of the line end (the `\n`, or the end of the text). */
  readonly end: number;
  /** 1-based line number. */
  readonly number: number;
}

/** Characters the subset does not handle anywhere: controls (tab, CR included), NEL, line separators, BOM. */
// eslint-disable-next-line no-control-regex
const UNSUPPORTED_CHARACTERS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;
/** Longest implicit key YAML allows is 1024 characters; stay well inside it. */
const MAX_KEY_LENGTH = 1000;

class Unsupported extends Error {}
const UNSUPPORTED = new Unsupported('outside the simple YAML subset');

function unsupported(): never {
  throw UNSUPPORTED;
}

/** Parses `text` if it lies in the simple subset; `undefined` means "use the full `yaml` parser". */
export function parseSimpleYaml(text: string): SimpleYamlDocument[] | undefined {
  if (UNSUPPORTED_CHARACTERS.test(text)) return undefined;
  try {
    return parseDocuments(text);
  } catch (error) {
    if (error === UNSUPPORTED) return undefined;
    throw error;
  }
}

function parseDocuments(text: string): SimpleYamlDocument[] {
  const documents: SimpleYamlDocument[] = [];
  let current: Line[] = [];
  let currentStart = 0;
  let currentMarkerLine = 0; // 0: no `---` marker opened the current document
  const close = (end: number): void => {
    if (current.length === 0 && currentMarkerLine === 0) return;
    const value = current.length === 0 ? null : parseDocument(text, current);
    documents.push({ value, start: currentStart, end, line: current[0]?.number ?? currentMarkerLine });
  };

  let number = 0;
  for (let lineStart = 0; lineStart <= text.length; ) {
    number += 1;
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    let content = lineStart;
    while (content < lineEnd && text.charCodeAt(content) === 32) content += 1;
    const first = text[content];
    if (content === lineStart && (first === '-' || first === '.') && isMarker(text, content, lineEnd, first)) {
      if (first === '.') unsupported(); // `...` document end
      if (!isBlankOrComment(text, content + 3, lineEnd)) unsupported(); // `--- value` on the marker line
      close(lineStart);
      current = [];
      currentStart = lineStart;
      currentMarkerLine = number;
    } else if (content === lineStart && first === '%') {
      unsupported(); // directive
    } else if (content < lineEnd && first !== '#') {
      current.push({ indent: content - lineStart, start: content, end: lineEnd, number });
    }
    if (lineEnd === text.length) break;
    lineStart = lineEnd + 1;
  }
  close(text.length);
  return documents;
}

function isMarker(text: string, at: number, lineEnd: number, char: string): boolean {
  return text[at + 1] === char && text[at + 2] === char && (at + 3 === lineEnd || text[at + 3] === ' ');
}

function isBlankOrComment(text: string, from: number, to: number): boolean {
  let at = from;
  while (at < to && text.charCodeAt(at) === 32) at += 1;
  return at === to || (text[at] === '#' && at > from);
}

interface Cursor {
  readonly text: string;
  readonly lines: Line[];
  index: number;
}

function parseDocument(text: string, lines: Line[]): unknown {
  const cursor: Cursor = { text, lines, index: 0 };
  const value = parseBlockNode(cursor, -1);
  if (cursor.index < lines.length) unsupported();
  return value;
}

/** The node starting at the current line, whose indentation is deeper than `parentIndent`. */
function parseBlockNode(cursor: Cursor, parentIndent: number): unknown {
  const line = cursor.lines[cursor.index] as Line;
  if (isSequenceItem(cursor.text, line)) return parseSequence(cursor, line.indent);
  const key = scanKey(cursor.text, line.start, line.end);
  if (key !== undefined) return parseMapping(cursor, line.indent);
  const value = parseInlineValue(cursor.text, line.start, line.end);
  cursor.index += 1;
  const next = cursor.lines[cursor.index];
  if (next !== undefined && next.indent > parentIndent) unsupported(); // multi-line plain scalar
  return value;
}

function isSequenceItem(text: string, line: Line): boolean {
  return text[line.start] === '-' && (line.start + 1 === line.end || text[line.start + 1] === ' ');
}

function parseSequence(cursor: Cursor, indent: number): unknown[] {
  const { text, lines } = cursor;
  const items: unknown[] = [];
  for (let line = lines[cursor.index]; line !== undefined; line = lines[cursor.index]) {
    if (line.indent < indent) break;
    if (line.indent > indent) unsupported();
    if (!isSequenceItem(text, line)) break;
    let at = line.start + 1;
    while (at < line.end && text.charCodeAt(at) === 32) at += 1;
    if (at === line.end || text[at] === '#') {
      cursor.index += 1;
      const next = lines[cursor.index];
      items.push(next !== undefined && next.indent > indent ? parseBlockNode(cursor, indent) : null);
      continue;
    }
    // A compact node after `- `: read the rest of the line as if it started a line of its own.
    const inner: Line = { indent: line.indent + (at - line.start), start: at, end: line.end, number: line.number };
    lines[cursor.index] = inner;
    if (isSequenceItem(text, inner)) {
      items.push(parseSequence(cursor, inner.indent));
    } else if (scanKey(text, inner.start, inner.end) !== undefined) {
      items.push(parseMapping(cursor, inner.indent));
    } else {
      items.push(parseInlineValue(text, inner.start, inner.end));
      cursor.index += 1;
    }
    const next = lines[cursor.index];
    if (next !== undefined && next.indent > indent) unsupported();
  }
  return items;
}

function parseMapping(cursor: Cursor, indent: number): Record<string, unknown> {
  const { text, lines } = cursor;
  const mapping: Record<string, unknown> = {};
  for (let line = lines[cursor.index]; line !== undefined; line = lines[cursor.index]) {
    if (line.indent < indent) break;
    if (line.indent > indent) unsupported();
    if (isSequenceItem(text, line)) break;
    const key = scanKey(text, line.start, line.end);
    if (key === undefined) unsupported();
    if (Object.prototype.hasOwnProperty.call(mapping, key.key)) unsupported(); // duplicate: `yaml` reports it
    let at = key.valueStart;
    while (at < line.end && text.charCodeAt(at) === 32) at += 1;
    let value: unknown;
    if (at === line.end || (text[at] === '#' && at > key.valueStart)) {
      cursor.index += 1;
      const next = lines[cursor.index];
      if (next !== undefined && next.indent > indent) value = parseBlockNode(cursor, indent);
      else if (next !== undefined && next.indent === indent && isSequenceItem(text, next)) value = parseSequence(cursor, indent);
      else value = null;
    } else {
      value = parseInlineValue(text, at, line.end);
      cursor.index += 1;
      const next = lines[cursor.index];
      if (next !== undefined && next.indent > indent) unsupported();
    }
    mapping[key.key] = value;
  }
  return mapping;
}

interface ScannedKey {
  readonly key: string;
  /** Offset just past the `:`. */
  readonly valueStart: number;
}

/** The mapping key at `start`, or `undefined` when the line is not a `key: value` entry. */
function scanKey(text: string, start: number, end: number): ScannedKey | undefined {
  const first = text[start] as string;
  if (first === '"' || first === "'") {
    const quoted = scanQuoted(text, start, end);
    let at = quoted.end;
    while (at < end && text.charCodeAt(at) === 32) at += 1;
    if (text[at] !== ':') return undefined;
    if (at + 1 < end && text[at + 1] !== ' ') unsupported();
    if (quoted.value.length > MAX_KEY_LENGTH || quoted.value === '__proto__') unsupported();
    return { key: quoted.value, valueStart: at + 1 };
  }
  if ('?&*!|>%@`{[,]}#\'"'.includes(first)) unsupported();
  if ((first === ':' || first === '-') && (start + 1 === end || text[start + 1] === ' ')) unsupported();
  // Searches stay inside the line: an unbounded `indexOf` would make a long file quadratic.
  const line = text.slice(start, end);
  let colon = line.indexOf(':');
  while (colon >= 0 && colon + 1 < line.length && line[colon + 1] !== ' ') colon = line.indexOf(':', colon + 1);
  if (colon < 0) return undefined;
  const key = line.slice(0, colon).trimEnd();
  if (key.includes(' #')) return undefined; // `text # comment: ...` is a scalar followed by a comment
  return checkedKey(key, start + colon + 1);
}

/** Plain keys already found to be plain strings: the same few dozen keys repeat in every document. */
const STRING_KEYS = new Set<string>();

function checkedKey(key: string, valueStart: number): ScannedKey {
  if (!STRING_KEYS.has(key)) {
    if (key.length > MAX_KEY_LENGTH || key === '__proto__' || key === '<<') unsupported();
    if (typeof resolvePlain(key) !== 'string') unsupported(); // numeric, boolean or null keys
    if (STRING_KEYS.size < 10_000) STRING_KEYS.add(key);
  }
  return { key, valueStart };
}

/** A scalar or flow sequence that starts at `start` and must end on this line (a comment may follow). */
function parseInlineValue(text: string, start: number, end: number): unknown {
  const first = text[start] as string;
  if (first === '"' || first === "'") {
    const quoted = scanQuoted(text, start, end);
    if (!isBlankOrComment(text, quoted.end, end)) unsupported();
    return quoted.value;
  }
  if (first === '[') return parseFlowSequence(text, start, end);
  if (first === '{') {
    let at = start + 1;
    while (at < end && text.charCodeAt(at) === 32) at += 1;
    if (text[at] !== '}' || !isBlankOrComment(text, at + 1, end)) unsupported();
    return {};
  }
  if ('&*!|>%@`,]}#'.includes(first)) unsupported();
  if ((first === '?' || first === ':' || first === '-') && (start + 1 === end || text[start + 1] === ' ')) unsupported();
  if (text.startsWith('---', start) || text.startsWith('...', start)) unsupported();
  const line = text.slice(start, end);
  const comment = line.indexOf(' #');
  const source = (comment < 0 ? line : line.slice(0, comment)).trimEnd();
  if (source.includes(': ') || source.endsWith(':')) unsupported(); // a mapping where a value was expected
  return resolvePlain(source);
}

function parseFlowSequence(text: string, start: number, end: number): unknown[] {
  const items: unknown[] = [];
  let at = start + 1;
  for (;;) {
    while (at < end && text.charCodeAt(at) === 32) at += 1;
    if (at >= end) unsupported(); // continues on the next line
    const char = text[at] as string;
    if (char === ']') break;
    if (char === '"' || char === "'") {
      const quoted = scanQuoted(text, at, end);
      items.push(quoted.value);
      at = quoted.end;
    } else {
      if ('[]{},:#&*!|>%@`?'.includes(char)) unsupported();
      if (char === '-' && text[at + 1] === ' ') unsupported();
      let stop = at;
      while (stop < end && !',[]{}:#'.includes(text[stop] as string)) stop += 1;
      if (stop >= end || text[stop] === ':' || text[stop] === '#' || text[stop] === '[' || text[stop] === '{') unsupported();
      items.push(resolvePlain(text.slice(at, stop).trimEnd()));
      at = stop;
    }
    while (at < end && text.charCodeAt(at) === 32) at += 1;
    if (text[at] === ',') at += 1;
    else if (text[at] !== ']') unsupported();
  }
  if (!isBlankOrComment(text, at + 1, end)) unsupported();
  return items;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r' };

/** A quoted scalar that closes on the same line. */
function scanQuoted(text: string, start: number, end: number): { value: string; end: number } {
  const quote = text[start];
  if (quote === "'") {
    let value = '';
    let from = start + 1;
    for (;;) {
      const close = text.indexOf("'", from);
      if (close < 0 || close >= end) unsupported();
      value += text.slice(from, close);
      if (text[close + 1] !== "'") return { value, end: close + 1 };
      value += "'";
      from = close + 2;
    }
  }
  let value = '';
  let from = start + 1;
  for (let at = from; ; at += 1) {
    if (at >= end) unsupported();
    const char = text[at];
    if (char === '"') return { value: value + text.slice(from, at), end: at + 1 };
    if (char !== '\\') continue;
    value += text.slice(from, at);
    const escape = text[at + 1] as string;
    const simple = SIMPLE_ESCAPES[escape];
    if (simple !== undefined) {
      value += simple;
      at += 1;
    } else if (escape === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) {
      const code = parseInt(text.slice(at + 2, at + 6), 16);
      if (code >= 0xd800 && code <= 0xdfff) unsupported();
      value += String.fromCharCode(code);
      at += 5;
    } else {
      unsupported();
    }
    from = at + 1;
  }
}

/** A plain scalar resolved by the YAML 1.2 core schema, exactly as `yaml` resolves it. */
export function resolvePlain(source: string): unknown {
  if (source === '') return null;
  const first = source.charCodeAt(0);
  // Only these first characters can start a null, boolean or number: `~ n N t T f F + - . 0-9`.
  const maybeSpecial =
    (first >= 48 && first <= 57) || first === 43 || first === 45 || first === 46 || first === 126 || first === 110 || first === 78 || first === 116 || first === 84 || first === 102 || first === 70;
  if (!maybeSpecial) return source;
  if (/^(?:~|[Nn]ull|NULL)$/.test(source)) return null;
  if (/^(?:[Tt]rue|TRUE)$/.test(source)) return true;
  if (/^(?:[Ff]alse|FALSE)$/.test(source)) return false;
  if (/^0o[0-7]+$/.test(source)) return parseInt(source.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(source)) return parseInt(source, 10);
  if (/^0x[0-9a-fA-F]+$/.test(source)) return parseInt(source.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(source)) {
    return source.slice(-3).toLowerCase() === 'nan' ? NaN : source[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(source)) return parseFloat(source);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(source)) return parseFloat(source);
  return source;
}
