/**
 * Glob patterns over repository-relative POSIX paths:
 * - `*` any characters within one path segment, `?` one character within a segment;
 * - `**` as a whole segment: any number of segments, none included (`clusters/**` matches `clusters/a/b.yaml`,
 *   `**\/seed.yaml` matches `seed.yaml` and `x/y/seed.yaml`);
 * - everything else literally (no `[...]` classes, no `{a,b}` braces). A leading `./` is ignored.
 */
const compiled = new Map<string, RegExp>();

export function matchGlob(pattern: string, path: string): boolean {
  let regexp = compiled.get(pattern);
  if (regexp === undefined) {
    regexp = compileGlob(pattern);
    compiled.set(pattern, regexp);
  }
  return regexp.test(path);
}

export function hasGlobCharacters(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/** A pattern as written by a person: no leading `./` or `/`, no trailing `/`; `.` and `` become ``. */
export function normalizePattern(pattern: string): string {
  let p = pattern.trim();
  while (p.startsWith('./')) p = p.slice(2);
  while (p.startsWith('/')) p = p.slice(1);
  while (p.endsWith('/')) p = p.slice(0, -1);
  return p === '.' ? '' : p;
}

export function compileGlob(pattern: string): RegExp {
  const segments = normalizePattern(pattern).split('/');
  let source = '';
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '**') {
      // Any run of whole segments, each followed by `/`; at the end, anything at all (or nothing).
      source += last ? (i === 0 ? '.*' : '(?:/.*)?') : i === 0 ? '(?:[^/]+/)*' : '/(?:[^/]+/)*';
      return;
    }
    if (i > 0 && segments[i - 1] !== '**') source += '/';
    for (const char of segment) {
      if (char === '*') source += '[^/]*';
      else if (char === '?') source += '[^/]';
      else source += char.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
    }
  });
  return new RegExp(`^${source}$`);
}
