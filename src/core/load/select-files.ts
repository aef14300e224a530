import type { RepositoryConfig } from '../config/repository-config.js';
import { WHOLE_FILE, type Diagnostic } from '../diagnostic.js';
import type { FileEntry } from './file-source.js';
import { hasGlobCharacters, matchGlob, normalizePattern } from './match-glob.js';
import type { IgnoredInput } from './source-document.js';

export interface FileSelection {
  /** YAML files to read (files, and links resolving to files inside the repository), sorted by path. */
  readonly yaml: readonly FileEntry[];
  readonly ignored: readonly IgnoredInput[];
  readonly diagnostics: readonly Diagnostic[];
}

const YAML_FILE = /\.ya?ml$/i;

/**
 * Picks the files the loader reads: under `config.paths`, not under `config.exclude`, named `.yaml`/`.yml`.
 * Hidden files and folders (a name starting with `.`, like `.github`) are skipped unless a `paths` entry names
 * them. Everything skipped inside the selected paths is listed in `ignored` with a reason; links leaving the
 * repository are errors.
 */
export function selectFiles(entries: readonly FileEntry[], config: RepositoryConfig, configFile: string): FileSelection {
  const paths = config.paths.map(normalizePattern);
  const excludes = config.exclude.map(normalizePattern).filter((p) => p !== '');
  const hiddenPaths = paths.filter((p) => p.split('/').some(isHiddenName));
  const yaml: FileEntry[] = [];
  const ignored: IgnoredInput[] = [];
  const diagnostics: Diagnostic[] = [];
  const reportedHidden = new Set<string>();
  const matched = new Set<number>();

  for (const entry of entries) {
    if (entry.path === configFile) continue;
    if (entry.type === 'dir') continue;
    paths.forEach((p, i) => {
      if (!matched.has(i) && selects(p, entry.path)) matched.add(i);
    });
    if (!paths.some((p) => selects(p, entry.path))) continue;
    if (excludes.some((p) => selects(p, entry.path))) {
      ignored.push({ file: entry.path, reason: 'excluded by spec.exclude in kkp-gitops.yaml' });
      continue;
    }
    const hidden = hiddenPrefix(entry.path);
    if (hidden !== undefined && !hiddenPaths.some((p) => selects(p, entry.path))) {
      if (!reportedHidden.has(hidden)) {
        reportedHidden.add(hidden);
        const what = hidden === entry.path ? 'hidden file' : 'hidden folder';
        ignored.push({ file: hidden, reason: `${what} (name starts with a dot); list it in spec.paths to read it` });
      }
      continue;
    }
    if (entry.type === 'symlink') {
      const link = entry.link;
      if (link?.problem === 'escapes') {
        diagnostics.push({
          ...WHOLE_FILE,
          file: entry.path,
          pointer: '',
          rule: 'load/symlink-escape',
          severity: 'error',
          message: `${entry.path} is a symbolic link to ${link.text}, outside the repository; it is not read`,
          hint: 'Commit the file itself, or a link to a file inside the repository',
        });
        continue;
      }
      if (link?.resolved === undefined) {
        ignored.push({ file: entry.path, reason: `symbolic link to ${link?.text ?? 'nothing'}, which does not exist` });
        continue;
      }
      if (link.resolved.type === 'dir') {
        ignored.push({ file: entry.path, reason: `symbolic link to the folder ${link.resolved.path || '.'}, not followed` });
        continue;
      }
    }
    if (!YAML_FILE.test(entry.path)) {
      ignored.push({ file: entry.path, reason: 'not a YAML file (.yaml or .yml)' });
      continue;
    }
    yaml.push(entry);
  }
  // A `paths` entry that matches nothing is a typo, not an empty selection: planned, it would prune everything.
  paths.forEach((p, i) => {
    if (matched.has(i) || p === '' || p === '.') return;
    diagnostics.push({
      ...WHOLE_FILE,
      file: configFile,
      pointer: `/spec/paths/${i}`,
      rule: 'config/paths-match-nothing',
      severity: 'error',
      message: `spec.paths entry "${config.paths[i]}" matches no file in the repository`,
      hint: 'Name a folder or glob that exists (paths are relative to the repository root); a path matching nothing would make every object it used to hold a deletion',
    });
  });
  return { yaml, ignored, diagnostics };
}

/** A `paths`/`exclude` entry selects a path when it names it, a folder above it, or matches it as a glob. */
function selects(pattern: string, path: string): boolean {
  if (pattern === '') return true;
  if (hasGlobCharacters(pattern)) return matchGlob(pattern, path) || matchGlob(`${pattern}/**`, path);
  return path === pattern || path.startsWith(`${pattern}/`);
}

function isHiddenName(segment: string): boolean {
  return segment.startsWith('.') && segment !== '.' && segment !== '..';
}

/** The path up to and including its first hidden segment, if it has one. */
function hiddenPrefix(path: string): string | undefined {
  const segments = path.split('/');
  const at = segments.findIndex(isHiddenName);
  return at < 0 ? undefined : segments.slice(0, at + 1).join('/');
}
