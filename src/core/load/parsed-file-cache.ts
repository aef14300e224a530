import { createLruMap } from '../lru-map.js';
import type { ParsedYamlFile, ParseYamlLimits } from './parse-yaml-file.js';

/**
 * Parsed files by path and content id (a Git blob id), so that loading a revision re-reads and re-parses only the
 * files that differ from revisions loaded before: a pull request's head shares all but a few files with its base.
 * Least recently used entries go first once `limit` is reached. Parsed files are read-only and shared.
 */
export interface ParsedFileCache {
  get(path: string, contentId: string, limits: ParseYamlLimits): ParsedYamlFile | undefined;
  set(path: string, contentId: string, limits: ParseYamlLimits, parsed: ParsedYamlFile): void;
  readonly size: number;
}

/** Default: 50,000 files, a few revisions of a 10,000-cluster repository. */
export const DEFAULT_PARSED_FILE_CACHE_LIMIT = 50_000;

export function createParsedFileCache(limit = DEFAULT_PARSED_FILE_CACHE_LIMIT): ParsedFileCache {
  const entries = createLruMap<ParsedYamlFile>(limit);
  // The limits change what parsing reports (sizes, aliases, documents, depth), so they are part of the key.
  const keyOf = (path: string, contentId: string, limits: ParseYamlLimits) => `${contentId}\0${limits.maxDocumentBytes}\0${limits.maxAliases}\0${limits.maxDocumentsPerFile}\0${limits.maxDepth}\0${path}`;
  return {
    get(path, contentId, limits) {
      return entries.get(keyOf(path, contentId, limits));
    },
    set(path, contentId, limits, parsed) {
      entries.set(keyOf(path, contentId, limits), parsed);
    },
    get size() {
      return entries.size;
    },
  };
}
