/**
 * Glob patterns of `spec.paths` and `spec.exclude`, over repository-relative POSIX paths, with picomatch's
 * semantics (the globs of `.gitignore`-like tools and of GitHub Actions' `paths` filters):
 * - `*` any characters within one path segment, `?` one character within a segment;
 * - `**` as a whole segment: any number of segments, none included (`clusters/**` matches `clusters/a/b.yaml`,
 *   `**\/seed.yaml` matches `seed.yaml` and `x/y/seed.yaml`);
 * - `[abc]`, `[a-z]` character classes, `{a,b}` alternatives (`{dc,datacenters}/*.yaml`), `!(x)`-style extglobs;
 * - names starting with a dot are matched like any other (hidden files are skipped by the loader, not here).
 * A leading `./` is ignored. Compiled patterns are kept in a bounded cache.
 */
import picomatch from 'picomatch';
import { createLruMap } from '../lru-map.js';

type Matcher = (path: string) => boolean;

const COMPILED_LIMIT = 256;
const compiled = createLruMap<Matcher>(COMPILED_LIMIT);

export function matchGlob(pattern: string, path: string): boolean {
  const key = normalizePattern(pattern);
  let matcher = compiled.get(key);
  if (matcher === undefined) {
    matcher = picomatch(key, { dot: true, strictSlashes: false });
    compiled.set(key, matcher);
  }
  return matcher(path);
}

/** Whether picomatch reads `pattern` as a glob (otherwise it names a file or folder literally). */
export function hasGlobCharacters(pattern: string): boolean {
  return picomatch.scan(pattern).isGlob;
}

/** A pattern as written by a person: no leading `./` or `/`, no trailing `/`; `.` and `` become ``. */
export function normalizePattern(pattern: string): string {
  let p = pattern.trim();
  while (p.startsWith('./')) p = p.slice(2);
  while (p.startsWith('/')) p = p.slice(1);
  while (p.endsWith('/')) p = p.slice(0, -1);
  return p === '.' ? '' : p;
}
