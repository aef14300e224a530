import type { RepositoryConfig } from '../config/repository-config.js';
import type { Diagnostic } from '../diagnostic.js';
import type { FileEntry } from './file-source.js';

export interface ReadLimitsResult {
  /** The entries to read, in order. */
  readonly read: readonly FileEntry[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Which selected files may be read, judged by the sizes the listing gives (the Git tree's blob sizes, `stat` for a
 * folder) before any content is read: a file over `maxFileBytes` is not read; once `maxFiles` files or
 * `maxTotalBytes` bytes are taken, the rest are not read. Each refusal is an error diagnostic on the file.
 */
export function checkReadLimits(entries: readonly FileEntry[], limits: RepositoryConfig['limits']): ReadLimitsResult {
  const read: FileEntry[] = [];
  const diagnostics: Diagnostic[] = [];
  let bytes = 0;
  const refuse = (file: string, rule: string, message: string, hint: string) =>
    diagnostics.push({ file, line: 1, column: 1, endLine: 1, endColumn: 1, pointer: '', rule, severity: 'error', message, hint });
  for (const [index, entry] of entries.entries()) {
    if (entry.size > limits.maxFileBytes) {
      refuse(entry.path, 'load/file-too-large', `${entry.path} is ${entry.size} bytes, more than the limit of ${limits.maxFileBytes}; it is not read`, 'Split it into several files, or raise spec.limits.maxFileBytes in kkp-gitops.yaml');
      continue;
    }
    if (read.length >= limits.maxFiles) {
      refuse(entry.path, 'load/too-many-files', `The repository holds more than ${limits.maxFiles} YAML files; ${entry.path} and ${entries.length - index - 1} more after it are not read`, 'Narrow spec.paths or spec.exclude, or raise spec.limits.maxFiles in kkp-gitops.yaml');
      break;
    }
    if (bytes + entry.size > limits.maxTotalBytes) {
      refuse(entry.path, 'load/repository-too-large', `The YAML files read so far and ${entry.path} add up to more than ${limits.maxTotalBytes} bytes; it and ${entries.length - index - 1} more after it are not read`, 'Narrow spec.paths or spec.exclude, or raise spec.limits.maxTotalBytes in kkp-gitops.yaml');
      break;
    }
    bytes += entry.size;
    read.push(entry);
  }
  return { read, diagnostics };
}
