import { isScalar, LineCounter, parseAllDocuments, visit, type Document, type Node, type YAMLError } from 'yaml';
import type { Diagnostic, SourceRange } from '../diagnostic.js';
import { decodeYamlBytes } from './decode-yaml-bytes.js';
import { locateYamlNode } from './locate-yaml-node.js';
import { parseSimpleYaml } from './parse-simple-yaml.js';
import { MAX_FLOW_ITEMS, scanYamlStructure } from './scan-yaml-structure.js';
import type { LocateOptions } from './source-document.js';

/** One well-formed, non-empty YAML document of a file, before anything is known about its kind. */
export interface ParsedYamlDocument {
  readonly index: number;
  readonly value: unknown;
  /** Line of the document's first content line. */
  readonly line: number;
  /** The range of the node at a JSON pointer (see `locateYamlNode`). */
  locate(pointer: string, options?: LocateOptions): SourceRange;
}

export interface ParsedYamlFile {
  readonly documents: readonly ParsedYamlDocument[];
  /** Documents with nothing in them, by index. */
  readonly emptyDocuments: readonly number[];
  /** Whether the file holds no document at all (empty, or only comments). */
  readonly empty: boolean;
  readonly diagnostics: readonly Diagnostic[];
}

export interface ParseYamlLimits {
  /** Largest document accepted, in UTF-8 bytes. */
  readonly maxDocumentBytes: number;
  /** Most alias expansions in one document. */
  readonly maxAliases: number;
  /** Most documents in the file. */
  readonly maxDocumentsPerFile: number;
  /** Deepest nesting of mappings and sequences. */
  readonly maxDepth: number;
}

/** `yaml` options shared by reading and locating, so both see the same documents. */
const YAML_OPTIONS = { uniqueKeys: false, prettyErrors: false, merge: true } as const;

/**
 * Reads the YAML documents of one file. Every problem is a diagnostic, never a throw: binary content, bytes
 * that are not UTF-8, syntax errors, duplicate keys, alias bombs, oversized documents. A document with a
 * problem is left out; the other documents of the file are still read.
 *
 * Most files go through `parseSimpleYaml` (fast); files outside its subset, and any file with a problem, go
 * through `yaml`. Node positions are only computed when `locate()` is called: the file is then parsed once
 * more with `yaml` and a `LineCounter`, and that parse is kept for later calls.
 */
export function parseYamlFile(file: string, bytes: Uint8Array, limits: ParseYamlLimits): ParsedYamlFile {
  const decoded = decodeYamlBytes(bytes);
  if (!decoded.ok) {
    const binary = decoded.problem === 'binary';
    const diagnostic: Diagnostic = {
      file,
      line: decoded.line,
      column: decoded.column,
      endLine: decoded.line,
      endColumn: decoded.column + 1,
      pointer: '',
      rule: binary ? 'load/binary-file' : 'load/invalid-utf8',
      severity: 'error',
      message: binary
        ? `${file} holds NUL bytes: it is binary (or UTF-16), not YAML text; it is not read`
        : `${file} is not valid UTF-8 (first bad byte at line ${decoded.line}, column ${decoded.column}); it is not read`,
      hint: binary ? 'Remove the file or give it another name; YAML files must be UTF-8 text' : 'Save the file as UTF-8 (for example with iconv -f latin1 -t utf-8)',
    };
    return { documents: [], emptyDocuments: [], empty: false, diagnostics: [diagnostic] };
  }
  const text = decoded.text;
  const structure = scanYamlStructure(text, { depth: limits.maxDepth, documents: limits.maxDocumentsPerFile, flowItems: MAX_FLOW_ITEMS });
  if (structure.documents > limits.maxDocumentsPerFile) {
    return refused(file, 1, 'load/too-many-documents', `${file} holds more than ${limits.maxDocumentsPerFile} YAML documents; it is not read`, 'Split it into several files, or raise spec.limits.maxDocumentsPerFile in kkp-gitops.yaml');
  }
  if (structure.depth > limits.maxDepth) {
    return refused(file, structure.depthLine, 'load/too-deep', `${file} nests mappings and sequences more than ${limits.maxDepth} levels deep (line ${structure.depthLine}); it is not read`, 'Flatten the structure, or raise spec.limits.maxDepth in kkp-gitops.yaml');
  }
  if (structure.flowItems > MAX_FLOW_ITEMS) {
    return refused(file, structure.flowItemsLine, 'load/too-many-flow-items', `${file} holds more than ${MAX_FLOW_ITEMS} items in flow collections ([a, b] or {a: 1}); it is not read`, 'Write long lists in block style (one "- item" per line), or split the file');
  }
  const locator = lazyLocator(text);
  const fast = parseSimpleYaml(text);
  if (fast !== undefined) {
    const documents: ParsedYamlDocument[] = [];
    const emptyDocuments: number[] = [];
    const diagnostics: Diagnostic[] = [];
    fast.forEach((doc, index) => {
      if (exceedsLimit(text, doc.start, doc.end, limits.maxDocumentBytes)) {
        diagnostics.push(oversize(file, text, doc.start, doc.end, doc.line, limits.maxDocumentBytes));
      } else if (doc.value === null) {
        emptyDocuments.push(index);
      } else {
        documents.push({ index, value: doc.value, line: doc.line, locate: (pointer, options) => locator(index, pointer, options) });
      }
    });
    return { documents, emptyDocuments, empty: fast.length === 0, diagnostics };
  }
  return parseWithYaml(file, text, limits, locator);
}

function refused(file: string, line: number, rule: string, message: string, hint: string): ParsedYamlFile {
  const diagnostic: Diagnostic = { file, line, column: 1, endLine: line, endColumn: 1, pointer: '', rule, severity: 'error', message, hint };
  return { documents: [], emptyDocuments: [], empty: false, diagnostics: [diagnostic] };
}

function parseWithYaml(file: string, text: string, limits: ParseYamlLimits, locator: Locator): ParsedYamlFile {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { ...YAML_OPTIONS, lineCounter }) as Document[];
  const documents: ParsedYamlDocument[] = [];
  const emptyDocuments: number[] = [];
  const diagnostics: Diagnostic[] = [];
  const rangeAt = (start: number, end: number): SourceRange => {
    const from = lineCounter.linePos(start);
    const to = lineCounter.linePos(Math.max(end, start));
    return { line: from.line, column: from.col, endLine: to.line, endColumn: to.col };
  };

  parsed.forEach((document, index) => {
    const [start, , end] = document.range ?? [0, 0, 0];
    const contents = document.contents as Node | null;
    const line = lineCounter.linePos(contents?.range?.[0] ?? start).line;
    if (document.errors.length > 0) {
      for (const error of document.errors) diagnostics.push(syntaxDiagnostic(file, error, rangeAt));
      return;
    }
    if (exceedsLimit(text, start, end, limits.maxDocumentBytes)) {
      diagnostics.push(oversize(file, text, start, end, line, limits.maxDocumentBytes));
      return;
    }
    const duplicates = duplicateKeys(document);
    if (duplicates.length > 0) {
      for (const key of duplicates) {
        const range = key.range ?? [start, start, start];
        diagnostics.push({
          file,
          ...rangeAt(range[0], range[1]),
          pointer: '',
          rule: 'load/duplicate-key',
          severity: 'error',
          message: `Duplicate key "${String((key as { value?: unknown }).value)}": the same key appears twice in one mapping`,
          hint: 'Keep one of them; YAML readers disagree on which one wins',
        });
      }
      return;
    }
    if (contents === null || (isScalar(contents) && contents.value === null && contents.range?.[0] === contents.range?.[1])) {
      emptyDocuments.push(index);
      return;
    }
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: limits.maxAliases });
    } catch {
      const alias = firstAlias(document);
      const range = alias?.range ?? contents.range ?? [start, start, start];
      diagnostics.push({
        file,
        ...rangeAt(range[0], range[1]),
        pointer: '',
        rule: 'load/alias-bomb',
        severity: 'error',
        message: `Aliases expand to more than ${limits.maxAliases} nodes in this document (an alias bomb); it is not read`,
        hint: 'Write the values out, or raise spec.limits.maxAliases in kkp-gitops.yaml',
      });
      return;
    }
    if (value === null || value === undefined) {
      emptyDocuments.push(index);
      return;
    }
    documents.push({ index, value, line, locate: (pointer, options) => locator(index, pointer, options) });
  });
  return { documents, emptyDocuments, empty: parsed.length === 0, diagnostics };
}

function syntaxDiagnostic(file: string, error: YAMLError, rangeAt: (start: number, end: number) => SourceRange): Diagnostic {
  const duplicate = error.code === 'DUPLICATE_KEY';
  return {
    file,
    ...rangeAt(error.pos[0], error.pos[1]),
    pointer: '',
    rule: duplicate ? 'load/duplicate-key' : 'load/yaml-syntax',
    severity: 'error',
    message: `YAML syntax error: ${error.message.split('\n')[0] ?? error.code}`,
  };
}

/** Keys that appear a second time in their mapping (compared by value, like `yaml`'s `uniqueKeys`). Linear. */
function duplicateKeys(document: Document): Node[] {
  const found: Node[] = [];
  visit(document, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const key = pair.key.value;
        if (key === '<<') continue; // merge keys may repeat
        if (seen.has(key)) found.push(pair.key);
        seen.add(key);
      }
    },
  });
  return found;
}

function firstAlias(document: Document): Node | undefined {
  let found: Node | undefined;
  visit(document, {
    Alias(_, alias) {
      found = alias;
      return visit.BREAK;
    },
  });
  return found;
}

function exceedsLimit(text: string, start: number, end: number, limit: number): boolean {
  const units = end - start;
  if (units * 3 <= limit) return false; // a UTF-16 unit is at most 3 UTF-8 bytes
  return Buffer.byteLength(text.slice(start, end), 'utf8') > limit;
}

function oversize(file: string, text: string, start: number, end: number, line: number, limit: number): Diagnostic {
  const bytes = Buffer.byteLength(text.slice(start, end), 'utf8');
  return {
    file,
    line,
    column: 1,
    endLine: line,
    endColumn: 1,
    pointer: '',
    rule: 'load/document-too-large',
    severity: 'error',
    message: `This document is ${bytes} bytes, more than the limit of ${limit}; it is not read`,
    hint: 'Split it into several documents or files, or raise spec.limits.maxDocumentBytes in kkp-gitops.yaml',
  };
}

type Locator = (index: number, pointer: string, options?: LocateOptions) => SourceRange;

/** Parses the file with positions on the first `locate()` of any of its documents, and keeps that parse. */
function lazyLocator(text: string): Locator {
  let parsed: { documents: Document[]; lineCounter: LineCounter } | undefined;
  return (index, pointer, options) => {
    if (parsed === undefined) {
      const lineCounter = new LineCounter();
      parsed = { documents: parseAllDocuments(text, { ...YAML_OPTIONS, lineCounter }) as Document[], lineCounter };
    }
    const document = parsed.documents[index];
    if (document === undefined) return { line: 1, column: 1, endLine: 1, endColumn: 1 };
    return locateYamlNode(document, parsed.lineCounter, pointer, options);
  };
}
