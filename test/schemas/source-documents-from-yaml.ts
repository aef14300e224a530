/**
 * Test helper: SourceDocuments from YAML text, with `locate()` built on yaml's LineCounter. A pointer to a mapping
 * entry locates the entry's key (where the error is read); a missing node falls back to its nearest existing parent.
 */
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node, type Pair } from 'yaml';
import type { SourceRange } from '../../src/core/diagnostic.js';
import type { SourceDocument } from '../../src/core/load/source-document.js';

export function sourceDocumentsFromYaml(file: string, text: string): SourceDocument[] {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter });
  return documents.map((document, index) => {
    const value = (document.toJS() ?? {}) as Record<string, unknown>;
    const metadata = (value.metadata ?? {}) as Record<string, unknown>;
    const rangeOf = (start: number, end: number): SourceRange => {
      const from = lineCounter.linePos(start);
      const to = lineCounter.linePos(end);
      return { line: from.line, column: from.col, endLine: to.line, endColumn: to.col };
    };
    const documentRange = rangeOf(document.range[0], document.range[1]);
    return {
      file,
      index,
      apiVersion: String(value.apiVersion ?? ''),
      kind: String(value.kind ?? ''),
      name: typeof metadata.name === 'string' ? metadata.name : '',
      ...(typeof metadata.namespace === 'string' ? { namespace: metadata.namespace } : {}),
      value,
      locate(pointer: string): SourceRange {
        let node: unknown = document.contents;
        let range = documentRange;
        for (const token of pointer === '' ? [] : pointer.slice(1).split('/').map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'))) {
          let next: { key?: Node; value: unknown } | undefined;
          if (isMap(node)) {
            const pair = node.items.find((p: Pair) => isScalar(p.key) && String(p.key.value) === token);
            if (pair) next = { key: pair.key as Node, value: pair.value };
          } else if (isSeq(node)) {
            const item = node.items[Number(token)];
            if (item !== undefined) next = { value: item };
          }
          if (!next) break;
          const anchor = (next.key ?? next.value) as Node | undefined;
          if (anchor?.range) range = rangeOf(anchor.range[0], anchor.range[1]);
          node = next.value;
        }
        return range;
      },
    };
  });
}

export function sourceDocumentFromYaml(file: string, text: string): SourceDocument {
  const [doc] = sourceDocumentsFromYaml(file, text);
  if (!doc) throw new Error(`no document in ${file}`);
  return doc;
}
