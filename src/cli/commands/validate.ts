import { existsSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { simpleGit } from 'simple-git';
import { hasErrors } from '../../core/diagnostic.js';
import { ConfigurationError } from '../../core/errors.js';
import type { FileEntry, FileSource } from '../../core/load/file-source.js';
import { folderSource } from '../../core/load/folder-source.js';
import { gitCommitSource } from '../../core/load/git-commit-source.js';
import { CONFIG_FILE, loadRepository } from '../../core/load/load-repository.js';
import { refuseEmptyRepository, refuseFolderOfRepositories } from '../repository-folder.js';
import { DIAGNOSTIC_FORMATS, formatDiagnostics, type DiagnosticFormat } from '../../core/report/format-diagnostics.js';
import { validateRepository } from '../../core/validate/validate-repository.js';
import { formatOptionHelp, VALIDATE_OPTIONS } from '../command-options.js';

export const VALIDATE_USAGE = `Usage: kkp-gitops validate [DIR] [--base REV] [--rev REV] [--format text|json|github]

Validates a desired-state repository: YAML, schemas and KKP's cross-object rules.

  DIR  the repository folder (default: .)
${formatOptionHelp(VALIDATE_OPTIONS)}

Exit status: 0 valid (warnings allowed), 1 errors found, 2 could not run.`;

interface ValidateArgs {
  readonly dir: string;
  readonly format: DiagnosticFormat;
  readonly base?: string;
  readonly rev?: string;
}

/** `kkp-gitops validate`: exit 0 when valid, 1 on errors; problems running it throw ConfigurationError (exit 2). */
export async function run(args: string[]): Promise<number> {
  const parsed = parseValidateArgs(args);
  if (parsed === 'help') {
    process.stdout.write(`${VALIDATE_USAGE}\n`);
    return 0;
  }
  const { head, base } = await sourcesFor(parsed);
  if (parsed.rev === undefined) refuseFolderOfRepositories(parsed.dir, 'validate');
  const headRepo = await loadRepository(head);
  refuseEmptyRepository(parsed.dir, headRepo, parsed.rev !== undefined || existsSync(join(parsed.dir, CONFIG_FILE)));
  const baseRepo = base ? await loadRepository(base) : undefined;
  const diagnostics = validateRepository(headRepo, baseRepo ? { base: baseRepo } : {});
  process.stdout.write(formatDiagnostics(diagnostics, parsed.format, { ignored: headRepo.ignored, source: headRepo.source }));
  return hasErrors(diagnostics) ? 1 : 0;
}

function parseValidateArgs(args: string[]): ValidateArgs | 'help' {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: VALIDATE_OPTIONS,
    }));
  } catch (error) {
    throw new ConfigurationError(`${error instanceof Error ? error.message : String(error)} (see kkp-gitops validate --help)`);
  }
  if (values.help) return 'help';
  if (positionals.length > 1) throw new ConfigurationError(`expected one folder, got ${positionals.length}: ${positionals.join(' ')}`);
  const format = values.format ?? 'text';
  if (!isFormat(format)) throw new ConfigurationError(`unknown format "${format}": use ${DIAGNOSTIC_FORMATS.join(', ')}`);
  return {
    dir: positionals[0] ?? '.',
    format,
    ...(values.base === undefined ? {} : { base: values.base }),
    ...(values.rev === undefined ? {} : { rev: values.rev }),
  };
}

function isFormat(text: string): text is DiagnosticFormat {
  return (DIAGNOSTIC_FORMATS as readonly string[]).includes(text);
}

/** The head (folder, or `--rev` of its Git repository) and the base (`--base` of the same repository). */
async function sourcesFor(args: ValidateArgs): Promise<{ head: FileSource; base?: FileSource }> {
  const folder = await stat(args.dir).catch(() => undefined);
  if (!folder) throw new ConfigurationError(`cannot read the folder ${args.dir}: no such folder`);
  if (!folder.isDirectory()) throw new ConfigurationError(`${args.dir} is not a folder`);
  if (args.base === undefined && args.rev === undefined) return { head: folderSource(args.dir) };

  const { root, prefix } = await gitRepositoryOf(args.dir);
  const atRevision = async (rev: string) => {
    await verifyRevision(root, rev);
    return withinFolder(await gitCommitSource(root, rev), prefix);
  };
  return {
    head: args.rev === undefined ? folderSource(args.dir) : await atRevision(args.rev),
    ...(args.base === undefined ? {} : { base: await atRevision(args.base) }),
  };
}

/** The top of the Git work tree holding `dir`, and `dir`'s path inside it (POSIX, '' at the top). */
async function gitRepositoryOf(dir: string): Promise<{ root: string; prefix: string }> {
  let root: string;
  try {
    root = (await simpleGit({ baseDir: dir }).revparse(['--show-toplevel'])).trim();
  } catch (error) {
    throw new ConfigurationError(`${dir} is not inside a Git repository (--base and --rev read Git revisions)`, { cause: error });
  }
  const prefix = relative(await realpath(root), await realpath(dir)).split(sep).join('/');
  return { root, prefix };
}

/** Fails with a clear message when `rev` names no commit of the repository at `root`. */
async function verifyRevision(root: string, rev: string): Promise<void> {
  if (rev === '' || rev.startsWith('-')) throw new ConfigurationError(`"${rev}" is not a Git revision`);
  try {
    await simpleGit({ baseDir: root }).raw(['rev-parse', '--verify', '--end-of-options', `${rev}^{commit}`]);
  } catch {
    throw new ConfigurationError(`unknown revision "${rev}" in ${root}: no commit has that name`);
  }
}

/**
 * A source limited to one folder of another, its paths made relative to that folder: the repository lives in a
 * subfolder of the Git work tree (`examples/`). Links that resolve outside the folder count as leaving the repository.
 */
export function withinFolder(source: FileSource, prefix: string): FileSource {
  if (prefix === '') return source;
  const start = `${prefix}/`;
  const inner = (path: string) => (path.startsWith(start) ? path.slice(start.length) : undefined);
  return {
    description: `${source.description}:${prefix}`,
    ...(source.commit === undefined ? {} : { commit: source.commit }),
    async list() {
      const entries: FileEntry[] = [];
      for (const entry of await source.list()) {
        const path = inner(entry.path);
        if (path === undefined) continue;
        if (!entry.link?.resolved) {
          entries.push({ ...entry, path });
          continue;
        }
        const target = inner(entry.link.resolved.path);
        const link =
          target === undefined
            ? { text: entry.link.text, problem: 'escapes' as const }
            : { ...entry.link, resolved: { ...entry.link.resolved, path: target } };
        entries.push({ ...entry, path, size: target === undefined ? 0 : entry.size, link });
      }
      return entries;
    },
    async read(paths) {
      const bytes = await source.read(paths.map((p) => `${start}${p}`));
      const out = new Map<string, Uint8Array>();
      for (const [path, value] of bytes) {
        const local = inner(path);
        if (local !== undefined) out.set(local, value);
      }
      return out;
    },
  };
}
