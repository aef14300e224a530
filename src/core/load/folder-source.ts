import { readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { ConfigurationError } from '../errors.js';
import type { FileEntry, FileSource, SymlinkTarget } from './file-source.js';

/**
 * A folder on disk. `.git` at the root is skipped. Symbolic links are resolved with `realpath` and never
 * followed when they lead outside the folder (the entry says so); links to folders are listed, not walked.
 *
 * File system calls are synchronous on purpose: for thousands of small files, Node's promise-based calls
 * (a thread-pool round trip per open, stat, read and close) were 4-5 times slower (1.1 s against 0.2 s for
 * 12,000 files on a 2-core machine). The functions stay async so that a source may be anything.
 */
export function folderSource(root: string): FileSource {
  let listing: { realRoot: string; byPath: Map<string, FileEntry> } | undefined;

  async function list(): Promise<readonly FileEntry[]> {
    const realRoot = resolveRoot(root);
    const entries: FileEntry[] = [];
    walk(realRoot, '', entries);
    entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    listing = { realRoot, byPath: new Map(entries.map((e) => [e.path, e])) };
    return entries;
  }

  async function read(paths: readonly string[]): Promise<ReadonlyMap<string, Uint8Array>> {
    if (listing === undefined) await list();
    const { realRoot, byPath } = listing as NonNullable<typeof listing>;
    const out = new Map<string, Uint8Array>();
    for (const path of paths) {
      const entry = byPath.get(path);
      const target = entry?.type === 'file' ? path : entry?.link?.resolved?.type === 'file' ? entry.link.resolved.path : undefined;
      if (target !== undefined) out.set(path, readFileSync(join(realRoot, target)));
    }
    return out;
  }

  return { description: root, list, read };
}

function resolveRoot(root: string): string {
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch (error) {
    throw new ConfigurationError(`Cannot read the folder ${root}: it does not exist or is not accessible`, { cause: error });
  }
  if (!statSync(realRoot).isDirectory()) throw new ConfigurationError(`${root} is not a folder`);
  return realRoot;
}

function walk(realRoot: string, folder: string, out: FileEntry[]): void {
  const dirents = readdirSync(join(realRoot, folder), { withFileTypes: true });
  for (const dirent of dirents) {
    if (folder === '' && dirent.name === '.git') continue;
    const path = folder === '' ? dirent.name : `${folder}/${dirent.name}`;
    const absolute = join(realRoot, path);
    if (dirent.isDirectory()) {
      out.push({ path, type: 'dir', size: 0 });
      walk(realRoot, path, out);
    } else if (dirent.isFile()) {
      out.push({ path, type: 'file', size: statSync(absolute).size });
    } else if (dirent.isSymbolicLink()) {
      const link = resolveSymlink(realRoot, absolute);
      const size = link.resolved?.type === 'file' ? statSync(join(realRoot, link.resolved.path)).size : 0;
      out.push({ path, type: 'symlink', size, link });
    }
    // Sockets, FIFOs and devices are not repository content: left out.
  }
}

function resolveSymlink(realRoot: string, absolute: string): SymlinkTarget {
  const text = readlinkSync(absolute);
  const lexical = resolve(dirname(absolute), text);
  if (lexical !== realRoot && !lexical.startsWith(realRoot + sep)) return { text, problem: 'escapes' };
  let real: string;
  try {
    real = realpathSync(absolute);
  } catch {
    return { text, problem: 'dangling' };
  }
  if (real !== realRoot && !real.startsWith(realRoot + sep)) return { text, problem: 'escapes' };
  const type = statSync(real).isDirectory() ? 'dir' : 'file';
  return { text, resolved: { path: relative(realRoot, real).split(sep).join('/'), type } };
}
