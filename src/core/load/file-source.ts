/**
 * Where the loader reads a repository from: a folder on disk or a Git revision. A source lists what the
 * repository holds and reads bytes; it decides nothing about YAML, kinds or configuration.
 */
export type FileEntryType = 'file' | 'symlink' | 'dir';

/** Where a symbolic link leads. */
export interface SymlinkTarget {
  /** The link's own text, as written (`../shared/dc.yaml`, `/etc/passwd`). */
  readonly text: string;
  /** What it resolves to inside the repository (repository-relative), when it stays inside and exists. */
  readonly resolved?: { readonly path: string; readonly type: 'file' | 'dir' };
  /** Why it does not resolve: it leaves the repository, or points at nothing (or at a loop). */
  readonly problem?: 'escapes' | 'dangling';
}

export interface FileEntry {
  /** Repository-relative path with POSIX separators, no leading `./`. */
  readonly path: string;
  readonly type: FileEntryType;
  /** Size in bytes of a file; of the file a symlink resolves to; 0 for folders and unresolved links. */
  readonly size: number;
  /** Set for symbolic links. Links are never followed blindly: the source resolves them and says where to. */
  readonly link?: SymlinkTarget;
  /**
   * An id of the file's content that changes whenever the bytes do (a Git blob id; for a link, the id of the file
   * it resolves to). Absent where the source cannot tell (a folder on disk): such files are always read.
   */
  readonly contentId?: string;
}

export interface FileSource {
  /** What is read, for messages: a folder path, or `<repo dir>@<short sha>`. */
  readonly description: string;
  /** The commit SHA when the source is a Git revision. */
  readonly commit?: string;
  /** Every file, folder and symbolic link of the repository, sorted by path. */
  list(): Promise<readonly FileEntry[]>;
  /**
   * The bytes of the given files. A symlink's path reads the file it resolves to inside the repository.
   * Paths that are not listed files (folders, links leaving the repository, unknown paths) are left out of the map.
   */
  read(paths: readonly string[]): Promise<ReadonlyMap<string, Uint8Array>>;
}
