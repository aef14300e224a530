import { stat } from 'node:fs/promises';
import { simpleGit, type SimpleGit } from 'simple-git';
import { ConfigurationError } from '../errors.js';
import type { FileEntry, FileSource } from './file-source.js';
import { readGitBlobs } from './read-git-blobs.js';
import { resolveLinkTarget, type TreeLookup } from './resolve-link-target.js';

interface TreeEntry {
  readonly path: string;
  readonly mode: string;
  readonly object: string;
  readonly size: number;
}

/**
 * One revision (SHA, branch, tag, `HEAD~2`) of a Git repository, read from the object database without a work
 * tree: `rev-parse` and `ls-tree` through simple-git, blob contents through one `git cat-file --batch` process.
 * Symbolic links (mode 120000) are resolved inside the tree; a link leaving it is reported, never followed.
 * Submodules (mode 160000) have no content in this repository and are left out.
 *
 * Throws `ConfigurationError` when `repoDir` is not a Git repository or `rev` names no commit.
 */
export async function gitCommitSource(repoDir: string, rev: string): Promise<FileSource> {
  const git = await openRepository(repoDir);
  const commit = await resolveCommit(git, repoDir, rev);
  let tree: Map<string, TreeEntry> | undefined;

  async function list(): Promise<readonly FileEntry[]> {
    tree = await listTree(git, commit);
    const links = [...tree.values()].filter((e) => e.mode === '120000');
    const linkTexts = await readGitBlobs(repoDir, links.map((l) => l.object));
    const textOf = (entry: TreeEntry): string => linkTexts.get(entry.object)?.toString('utf8') ?? '';
    const known = tree;
    const lookup: TreeLookup = (path) => {
      const entry = known.get(path);
      if (entry === undefined || entry.mode === '160000') return undefined;
      if (entry.mode === '040000') return { type: 'dir' };
      if (entry.mode === '120000') return { type: 'symlink', text: textOf(entry) };
      return { type: 'file' };
    };
    const entries: FileEntry[] = [];
    for (const entry of tree.values()) {
      if (entry.mode === '040000') entries.push({ path: entry.path, type: 'dir', size: 0 });
      else if (entry.mode === '120000') {
        const link = resolveLinkTarget(entry.path, textOf(entry), lookup);
        const target = link.resolved?.type === 'file' ? tree.get(link.resolved.path) : undefined;
        entries.push({ path: entry.path, type: 'symlink', size: target?.size ?? 0, link, ...(target ? { contentId: target.object } : {}) });
      } else if (entry.mode !== '160000') entries.push({ path: entry.path, type: 'file', size: entry.size, contentId: entry.object });
    }
    entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    listed = new Map(entries.map((e) => [e.path, e]));
    return entries;
  }

  let listed: Map<string, FileEntry> | undefined;

  async function read(paths: readonly string[]): Promise<ReadonlyMap<string, Uint8Array>> {
    if (listed === undefined || tree === undefined) await list();
    const byPath = listed as Map<string, FileEntry>;
    const objects = tree as Map<string, TreeEntry>;
    const objectOf = new Map<string, string>();
    for (const path of paths) {
      const entry = byPath.get(path);
      const target = entry?.type === 'file' ? path : entry?.link?.resolved?.type === 'file' ? entry.link.resolved.path : undefined;
      const object = target === undefined ? undefined : objects.get(target)?.object;
      if (object !== undefined) objectOf.set(path, object);
    }
    const blobs = await readGitBlobs(repoDir, [...objectOf.values()]);
    const out = new Map<string, Uint8Array>();
    for (const [path, object] of objectOf) {
      const blob = blobs.get(object);
      if (blob !== undefined) out.set(path, blob);
    }
    return out;
  }

  return { description: `${repoDir}@${commit.slice(0, 12)}`, commit, list, read };
}

async function openRepository(repoDir: string): Promise<SimpleGit> {
  const folder = await stat(repoDir).catch(() => undefined);
  if (folder === undefined || !folder.isDirectory()) throw new ConfigurationError(`Cannot read the Git repository ${repoDir}: no such folder`);
  const git = simpleGit({ baseDir: repoDir });
  try {
    await git.revparse(['--git-dir']);
  } catch (error) {
    throw new ConfigurationError(`${repoDir} is not a Git repository`, { cause: error });
  }
  return git;
}

async function resolveCommit(git: SimpleGit, repoDir: string, rev: string): Promise<string> {
  if (rev === '' || rev.startsWith('-')) throw new ConfigurationError(`"${rev}" is not a Git revision`);
  let commit = '';
  try {
    commit = (await git.revparse(['--verify', `${rev}^{commit}`])).trim();
  } catch (error) {
    throw new ConfigurationError(`Unknown revision "${rev}" in ${repoDir}: no commit has that name`, { cause: error });
  }
  if (!/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(commit)) throw new ConfigurationError(`Unknown revision "${rev}" in ${repoDir}: no commit has that name`);
  return commit;
}

/** `ls-tree -r -t -l -z`: every blob, tree, link and submodule with its size, NUL-separated so no path is quoted. */
async function listTree(git: SimpleGit, commit: string): Promise<Map<string, TreeEntry>> {
  const output = await git.raw(['ls-tree', '-r', '-t', '-l', '-z', '--full-tree', commit]);
  const entries = new Map<string, TreeEntry>();
  for (const record of output.split('\0')) {
    if (record === '') continue;
    const tab = record.indexOf('\t');
    const [mode, , object, size] = record.slice(0, tab).split(/ +/);
    if (mode === undefined || object === undefined) continue;
    const path = record.slice(tab + 1);
    entries.set(path, { path, mode, object, size: size === undefined || size === '-' ? 0 : Number(size) });
  }
  return entries;
}
