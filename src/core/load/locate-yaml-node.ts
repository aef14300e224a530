import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { SourceRange } from '../diagnostic.js';
import type { LocateOptions } from './source-document.js';

/** Splits a JSON pointer (RFC 6901) into its unescaped segments: `/a~1b/~0c` → `['a/b', '~c']`; `` → `[]`. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return pointer === '/' ? [''] : [];
  const body = pointer.startsWith('/') ? pointer.slice(1) : pointer;
  return body.split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * The range of the node at `pointer` in a parsed document: the value of a map key (its key when the value is
 * empty), an item of a list; when the pointer goes where nothing is, the nearest existing parent; when the
 * document is empty, its start. With `options.key`, a map entry found at the pointer's end ranges from its key to
 * the end of its value.
 */
export function locateYamlNode(document: Document, lineCounter: LineCounter, pointer: string, options: LocateOptions = {}): SourceRange {
  const contents = document.contents as Node | null;
  let best: Node | null = contents;
  let keyOfBest: Node | null = null;
  let node: Node | null = contents;
  for (const segment of parsePointer(pointer)) {
    if (node !== null && isAlias(node)) node = (node.resolve(document) as Node | undefined) ?? null;
    if (node === null) break;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
      if (pair === undefined) break;
      const value = pair.value as Node | null;
      if (value === null || isEmptyScalar(value)) {
        best = pair.key as Node;
        keyOfBest = null;
        node = null;
      } else {
        best = value;
        keyOfBest = pair.key as Node;
        node = value;
      }
    } else if (isSeq(node)) {
      if (!/^(?:0|[1-9][0-9]*)$/.test(segment)) break;
      const item = node.items[Number(segment)] as Node | null | undefined;
      if (item === undefined || item === null) break;
      best = item;
      keyOfBest = null;
      node = item;
    } else {
      break;
    }
  }
  if (best === null || best.range === undefined || best.range === null) {
    const start = document.range?.[0] ?? 0;
    const position = lineCounter.linePos(start);
    return { line: position.line, column: position.col, endLine: position.line, endColumn: position.col };
  }
  const from = options.key && keyOfBest?.range ? keyOfBest.range[0] : best.range[0];
  const start = lineCounter.linePos(from);
  const end = lineCounter.linePos(endOf(best));
  return { line: start.line, column: start.col, endLine: end.line, endColumn: end.col };
}

function isEmptyScalar(node: Node): boolean {
  return isScalar(node) && node.value === null && node.range !== undefined && node.range !== null && node.range[0] === node.range[1];
}

/** Offset just past the node's last character: for block collections, the end of their last item. */
function endOf(node: Node): number {
  const range = node.range as [number, number, number];
  if ((isMap(node) || isSeq(node)) && !node.flow && node.items.length > 0) {
    const last = node.items[node.items.length - 1];
    if (isPair(last)) {
      const value = last.value as Node | null;
      if (value !== null && !isEmptyScalar(value)) return endOf(value);
      return endOf(last.key as Node);
    }
    if (last !== null && last !== undefined && !isEmptyScalar(last as Node)) return endOf(last as Node);
  }
  return range[1];
}
