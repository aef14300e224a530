import type { DesiredObject } from './desired-state.js';

/**
 * Rendered objects by the parsed document they come from, so that rendering a revision stamps and hashes only the
 * documents that differ from revisions rendered before. Keys are the documents' parsed values: the loader shares
 * them between revisions for files whose blob id is unchanged (`ParsedFileCache`), and a value never changes. An
 * entry also remembers the render inputs it was made with (repository, target, namespace, source); another input
 * renders afresh. Entries go with their documents (a `WeakMap`): the cache holds no memory of its own.
 */
export interface RenderCache {
  /** The object rendered from `document` with exactly these inputs, if any. */
  get(document: object, inputs: string): DesiredObject | undefined;
  set(document: object, inputs: string, object: DesiredObject): void;
}

export function createRenderCache(): RenderCache {
  const entries = new WeakMap<object, { readonly inputs: string; readonly object: DesiredObject }>();
  return {
    get(document, inputs) {
      const entry = isKey(document) ? entries.get(document) : undefined;
      return entry?.inputs === inputs ? entry.object : undefined;
    },
    set(document, inputs, object) {
      if (isKey(document)) entries.set(document, { inputs, object });
    },
  };
}

/** Input is hostile: whatever a document's value turned out to be, only objects key a `WeakMap`. */
function isKey(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
