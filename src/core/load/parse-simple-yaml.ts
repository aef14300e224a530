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

/**
 * The content lines of one document (blank and comment lines left out), in typed arrays rather than one
 * object per line: a 10,000-file repository has 300,000 lines, and the garbage collector notices.
 */
class Lines {
  length = 0;
  /** Column (0-based) where the content starts. */
  indent: Int32Array = new Int32Array(64);
  /** Offset of the first content character. */
  start: Int32Array = new Int32Array(64);
  /** Offset of the line end (the `\n`, or the end of the text). */
  end: Int32Array = new Int32Array(64);
  /** 1-based line number. */
  number: Int32Array = new Int32Array(64);

  push(indent: number, start: number, end: number, number: number): void {
    if (this.length === this.indent.length) {
      const grow = (a: Int32Array): Int32Array => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.indent = grow(this.indent);
      this.start = grow(this.start);
      this.end = grow(this.end);
      this.number = grow(this.number);
    }
    this.indent[this.length] = indent;
    this.start[this.length] = start;
    this.end[this.length] = end;
    this.number[this.length] = number;
    this.length += 1;
  }

  clear(): void {
    this.length = 0;
  }
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
  const current = new Lines();
  let currentStart = 0;
  let currentMarkerLine = 0; // 0: no `---` marker opened the current document
  const close = (end: number): void => {
    if (current.length === 0 && currentMarkerLine === 0) return;
    const line = current.length === 0 ? currentMarkerLine : (current.number[0] as number);
    const value = current.length === 0 ? null : parseDocument(text, current);
    documents.push({ value, start: currentStart, end, line });
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
      current.clear();
      currentStart = lineStart;
      currentMarkerLine = number;
    } else if (content === lineStart && first === '%') {
      unsupported(); // directive
    } else if (content < lineEnd && first !== '#') {
      current.push(content - lineStart, content, lineEnd, number);
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
  readonly lines: Lines;
  index: number;
}

function parseDocument(text: string, lines: Lines): unknown {
  const cursor: Cursor = { text, lines, index: 0 };
  const value = parseBlockNode(cursor, -1);
  if (cursor.index < lines.length) unsupported();
  return value;
}

/** Indentation of line `index`, or -1 past the last line (so that every caller sees "the block ended"). */
function indentAt(lines: Lines, index: number): number {
  return index < lines.length ? (lines.indent[index] as number) : -1;
}

/** The node starting at the current line, whose indentation is deeper than `parentIndent`. */
function parseBlockNode(cursor: Cursor, parentIndent: number): unknown {
  const { text, lines } = cursor;
  const i = cursor.index;
  const start = lines.start[i] as number;
  const end = lines.end[i] as number;
  if (isSequenceItem(text, start, end)) return parseSequence(cursor, lines.indent[i] as number);
  if (scanKey(text, start, end) !== undefined) return parseMapping(cursor, lines.indent[i] as number);
  const value = parseInlineValue(text, start, end);
  cursor.index += 1;
  if (indentAt(lines, cursor.index) > parentIndent) unsupported(); // multi-line plain scalar
  return value;
}

function isSequenceItem(text: string, start: number, end: number): boolean {
  return text.charCodeAt(start) === 45 && (start + 1 === end || text.charCodeAt(start + 1) === 32);
}

function parseSequence(cursor: Cursor, indent: number): unknown[] {
  const { text, lines } = cursor;
  const items: unknown[] = [];
  while (cursor.index < lines.length) {
    const i = cursor.index;
    const lineIndent = lines.indent[i] as number;
    const start = lines.start[i] as number;
    const end = lines.end[i] as number;
    if (lineIndent < indent) break;
    if (lineIndent > indent) unsupported();
    if (!isSequenceItem(text, start, end)) break;
    let at = start + 1;
    while (at < end && text.charCodeAt(at) === 32) at += 1;
    if (at === end || text.charCodeAt(at) === 35) {
      cursor.index += 1;
      items.push(indentAt(lines, cursor.index) > indent ? parseBlockNode(cursor, indent) : null);
      continue;
    }
    // A compact node after `- `: read the rest of the line as if it started a line of its own.
    const innerIndent = lineIndent + (at - start);
    lines.indent[i] = innerIndent;
    lines.start[i] = at;
    if (isSequenceItem(text, at, end)) {
      items.push(parseSequence(cursor, innerIndent));
    } else if (scanKey(text, at, end) !== undefined) {
      items.push(parseMapping(cursor, innerIndent));
    } else {
      items.push(parseInlineValue(text, at, end));
      cursor.index += 1;
    }
    if (indentAt(lines, cursor.index) > indent) unsupported();
  }
  return items;
}

function parseMapping(cursor: Cursor, indent: number): Record<string, unknown> {
  const { text, lines } = cursor;
  const mapping: Record<string, unknown> = {};
  while (cursor.index < lines.length) {
    const i = cursor.index;
    const lineIndent = lines.indent[i] as number;
    const start = lines.start[i] as number;
    const end = lines.end[i] as number;
    if (lineIndent < indent) break;
    if (lineIndent > indent) unsupported();
    if (isSequenceItem(text, start, end)) break;
    const key = scanKey(text, start, end);
    if (key === undefined) unsupported();
    if (Object.prototype.hasOwnProperty.call(mapping, key)) unsupported(); // duplicate: `yaml` reports it
    const valueStart = scannedValueStart;
    let at = valueStart;
    while (at < end && text.charCodeAt(at) === 32) at += 1;
    let value: unknown;
    if (at === end || (text.charCodeAt(at) === 35 && at > valueStart)) {
      cursor.index += 1;
      const next = cursor.index;
      const nextIndent = indentAt(lines, next);
      if (nextIndent > indent) value = parseBlockNode(cursor, indent);
      else if (nextIndent === indent && isSequenceItem(text, lines.start[next] as number, lines.end[next] as number)) value = parseSequence(cursor, indent);
      else value = null;
    } else {
      value = parseInlineValue(text, at, end);
      cursor.index += 1;
      if (indentAt(lines, cursor.index) > indent) unsupported();
    }
    mapping[key] = value;
  }
  return mapping;
}

/** Offset just past the `:` of the key `scanKey` found last (kept out of a result object to spare the collector). */
let scannedValueStart = 0;

/** The mapping key at `start`, or `undefined` when the line is not a `key: value` entry; see `scannedValueStart`. */
function scanKey(text: string, start: number, end: number): string | undefined {
  const first = text[start] as string;
  if (first === '"' || first === "'") {
    const quoted = scanQuoted(text, start, end);
    let at = quoted.end;
    while (at < end && text.charCodeAt(at) === 32) at += 1;
    if (text.charCodeAt(at) !== 58) return undefined;
    if (at + 1 < end && text.charCodeAt(at + 1) !== 32) unsupported();
    if (quoted.value.length > MAX_KEY_LENGTH || quoted.value === '__proto__') unsupported();
    scannedValueStart = at + 1;
    return quoted.value;
  }
  if (first === '[' || first === '{') return undefined; // a flow collection: a value, not a key
  if ('?&*!|>%@`,]}#'.includes(first)) unsupported();
  if ((first === ':' || first === '-') && (start + 1 === end || text.charCodeAt(start + 1) === 32)) unsupported();
  // Scans stay inside the line: an unbounded `indexOf` would make a long file quadratic.
  let colon = -1;
  for (let at = start; at < end; at += 1) {
    const code = text.charCodeAt(at);
    if (code === 35 && at > start && text.charCodeAt(at - 1) === 32) return undefined; // `text # comment: ...` is a scalar
    if (code === 58 && (at + 1 === end || text.charCodeAt(at + 1) === 32)) {
      colon = at;
      break;
    }
  }
  if (colon < 0) return undefined;
  let keyEnd = colon;
  while (keyEnd > start && text.charCodeAt(keyEnd - 1) === 32) keyEnd -= 1;
  const key = text.slice(start, keyEnd);
  if (!STRING_KEYS.has(key)) {
    if (key.length > MAX_KEY_LENGTH || key === '__proto__' || key === '<<') unsupported();
    if (typeof resolvePlain(key) !== 'string') unsupported(); // numeric, boolean or null keys
    if (STRING_KEYS.size < 10_000) STRING_KEYS.add(key);
  }
  scannedValueStart = colon + 1;
  return key;
}

/** Plain keys already found to be plain strings: the same few dozen keys repeat in every document. */
const STRING_KEYS = new Set<string>();

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
  let stop = end;
  for (let at = start + 1; at < end; at += 1) {
    if (text.charCodeAt(at) === 35 && text.charCodeAt(at - 1) === 32) {
      stop = at;
      break;
    }
  }
  while (stop > start && text.charCodeAt(stop - 1) === 32) stop -= 1;
  const source = text.slice(start, stop);
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
