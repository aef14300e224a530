import type { SymlinkTarget } from './file-source.js';

/** The entries of a tree by path, as far as link resolution needs them. */
export type TreeLookup = (path: string) => { readonly type: 'file' | 'dir' } | { readonly type: 'symlink'; readonly text: string } | undefined;

/** Symbolic links followed before a chain counts as a loop (Linux's own limit). */
const MAX_LINK_HOPS = 40;

/**
 * Resolves the link at `linkPath` whose text is `text` inside a tree, component by component (a link may run
 * through other links, including links to folders), without ever leaving the tree. Used for Git trees, where
 * there is no file system to ask.
 */
export function resolveLinkTarget(linkPath: string, text: string, lookup: TreeLookup): SymlinkTarget {
  const hops = { count: 0 };
  const resolved = resolveRelative(parentOf(linkPath), text, lookup, hops);
  if (resolved === 'escapes' || resolved === 'dangling') return { text, problem: resolved };
  return { text, resolved };
}

type Resolution = { path: string; type: 'file' | 'dir' } | 'escapes' | 'dangling';

function resolveRelative(base: string[], text: string, lookup: TreeLookup, hops: { count: number }): Resolution {
  if (text.startsWith('/')) return 'escapes';
  hops.count += 1;
  if (hops.count > MAX_LINK_HOPS) return 'dangling';
  let current = [...base];
  const parts = text.split('/');
  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i] as string;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (current.length === 0) return 'escapes';
      current.pop();
      continue;
    }
    const path = [...current, part].join('/');
    const entry = lookup(path);
    if (entry === undefined) return 'dangling';
    if (entry.type === 'symlink') {
      const through = resolveRelative(current, entry.text, lookup, hops);
      if (typeof through === 'string') return through;
      if (through.type === 'file' && i < parts.length - 1 && parts.slice(i + 1).some((p) => p !== '' && p !== '.')) return 'dangling';
      current = through.path === '' ? [] : through.path.split('/');
      if (through.type === 'file') return { path: through.path, type: 'file' };
      continue;
    }
    if (entry.type === 'file') {
      if (parts.slice(i + 1).some((p) => p !== '' && p !== '.')) return 'dangling';
      return { path, type: 'file' };
    }
    current.push(part);
  }
  return { path: current.join('/'), type: 'dir' };
}

function parentOf(path: string): string[] {
  const parts = path.split('/');
  parts.pop();
  return parts;
}
