import { stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { realpath } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { simpleGit } from 'simple-git';
import type { TargetConnector } from '../../core/apply/cluster-client.js';
import { hasErrors, type Diagnostic } from '../../core/diagnostic.js';
import { ConfigurationError } from '../../core/errors.js';
import type { FileSource } from '../../core/load/file-source.js';
import { folderSource } from '../../core/load/folder-source.js';
import { gitCommitSource } from '../../core/load/git-commit-source.js';
import { CONFIG_FILE, loadRepository } from '../../core/load/load-repository.js';
import { refuseEmptyRepository, refuseFolderOfRepositories } from '../repository-folder.js';
import type { LoadedRepository } from '../../core/load/loaded-repository.js';
import type { Plan } from '../../core/plan/plan.js';
import type { Allowance } from '../../core/reconcile/allowance.js';
import { reconcileRepository } from '../../core/reconcile/reconcile-repository.js';
import { formatDiagnostics } from '../../core/report/format-diagnostics.js';
import { REPORT_FORMATS, renderReport, type ReportFormat } from '../../core/report/render-report.js';
import { changeCount, toReportView } from '../../core/report/report-view.js';
import { createKubeConnector } from '../../kube/kube-connector.js';
import { withinFolder } from './validate.js';
import { resolveMasterKubeconfig } from '../master-kubeconfig.js';
import { ENGINE_OPTIONS, formatOptionHelp, PLAN_OPTIONS, type CliOptions } from '../command-options.js';

export const PLAN_USAGE = `Usage: kkp-gitops plan [DIR] [--kubeconfig FILE] [--context NAME] [--format text|markdown|json]
                       [--allow-deletions] [--rev REV] [--repository ID]

Validates the repository, then shows the changes that bring the KKP master and every seed to it: per target, in
apply order, each object's action (create, update, delete, unchanged, skip) and field-level diff. Seeds are reached
the way KKP reaches them, through the kubeconfig Secret each Seed references in the master.

  DIR  the repository folder (default: .)
${formatOptionHelp(PLAN_OPTIONS)}

With no --kubeconfig, --in-cluster or $KUBECONFIG, ~/.kube/config is used; the kubeconfig and context used are named
on stderr, and a missing kubeconfig is an error.

Exit status (as kubectl diff): 0 no changes, 1 changes planned, 2 error (invalid repository, unreachable target,
or a change KKP would refuse).`;

export { ENGINE_OPTIONS };

export interface EngineArgs {
  readonly dir: string;
  readonly format: ReportFormat;
  readonly allowDeletions: boolean;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly inCluster: boolean;
  readonly rev?: string;
  readonly repository?: string;
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('plan', args, {});
  if (parsed === 'help') {
    process.stdout.write(`${PLAN_USAGE}\n`);
    return 0;
  }
  const engine = engineArgs(parsed.values, parsed.positionals);
  const head = await loadHead(engine);
  const connector = connectorFor(engine);
  try {
    const result = await reconcileRepository({ head, connector, repository: await repositoryId(engine, head), ...cliAllowance(engine, head) });
    if (!result.plan) return reportInvalid(result.diagnostics);
    printWarnings(result.diagnostics);
    process.stdout.write(renderReport(result.plan, { format: engine.format }));
    return planExitCode(result.plan);
  } finally {
    await connector.close?.();
  }
}

/**
 * The CLI goes through the one reconcile with the built-in default policy; `--allow-deletions` is the person at the
 * terminal allowing every deletion and adoption of the plan in front of them (the mass-deletion guard included).
 */
export function cliAllowance(engine: Pick<EngineArgs, 'allowDeletions'>, head: LoadedRepository): { allowances?: Allowance[] } {
  return engine.allowDeletions ? { allowances: [{ head: head.commit ?? '', changes: 'everything' }] } : {};
}

/** 0 nothing to change, 1 changes planned, 2 an unreachable target or a change in error. */
export function planExitCode(plan: Plan): number {
  const view = toReportView(plan);
  if (view.errorCount > 0) return 2;
  return changeCount(view.counts) > 0 ? 1 : 0;
}

type ParsedValues = Record<string, string | boolean | undefined>;

export function parseCommandArgs(command: string, args: string[], extra: CliOptions): { values: ParsedValues; positionals: string[] } | 'help' {
  try {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...ENGINE_OPTIONS, ...extra } });
    if (values['help']) return 'help';
    return { values: values as ParsedValues, positionals };
  } catch (error) {
    throw new ConfigurationError(`${error instanceof Error ? error.message : String(error)} (see kkp-gitops ${command} --help)`);
  }
}

export function engineArgs(values: ParsedValues, positionals: string[]): EngineArgs {
  if (positionals.length > 1) throw new ConfigurationError(`expected one folder, got ${positionals.length}: ${positionals.join(' ')}`);
  const format = String(values['format'] ?? 'text');
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) throw new ConfigurationError(`unknown format "${format}": use ${REPORT_FORMATS.join(', ')}`);
  const str = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const kubeconfig = str('kubeconfig');
  const context = str('context');
  const rev = str('rev');
  const repository = str('repository');
  return {
    dir: positionals[0] ?? '.',
    format: format as ReportFormat,
    allowDeletions: values['allow-deletions'] === true,
    inCluster: values['in-cluster'] === true,
    ...(kubeconfig !== undefined ? { kubeconfig } : {}),
    ...(context !== undefined ? { context } : {}),
    ...(rev !== undefined ? { rev } : {}),
    ...(repository !== undefined ? { repository } : {}),
  };
}

/** The master's connector, after saying on stderr which kubeconfig and context it uses. */
export function connectorFor(args: EngineArgs): TargetConnector {
  const master = resolveMasterKubeconfig(args);
  process.stderr.write(`master: ${master.description}\n`);
  return createKubeConnector({ ...master.options, inCluster: args.inCluster });
}

/** The repository: the folder, or `--rev` of the Git repository holding it. */
export async function loadHead(args: EngineArgs): Promise<LoadedRepository> {
  const folder = await stat(args.dir).catch(() => undefined);
  if (!folder) throw new ConfigurationError(`cannot read the folder ${args.dir}: no such folder`);
  if (!folder.isDirectory()) throw new ConfigurationError(`${args.dir} is not a folder`);
  let source: FileSource = folderSource(args.dir);
  if (args.rev === undefined) refuseFolderOfRepositories(args.dir, 'plan');
  else {
    if (args.rev === '' || args.rev.startsWith('-')) throw new ConfigurationError(`"${args.rev}" is not a Git revision`);
    const root = await gitRoot(args.dir);
    const prefix = relative(await realpath(root), await realpath(args.dir)).split(sep).join('/');
    source = withinFolder(await gitCommitSource(root, args.rev), prefix);
  }
  const repository = await loadRepository(source);
  refuseEmptyRepository(args.dir, repository, args.rev !== undefined || existsSync(join(args.dir, CONFIG_FILE)));
  return repository;
}

/** `--repository`, else the configuration's, else the Git remote's `owner/name`, else the folder's name. */
export async function repositoryId(args: EngineArgs, head: LoadedRepository): Promise<string> {
  if (args.repository) return args.repository;
  if (head.config.repository) return head.config.repository;
  try {
    const url = (await simpleGit({ baseDir: args.dir }).remote(['get-url', 'origin'])) ?? '';
    const match = /[/:]([^/:]+\/[^/]+?)(\.git)?\s*$/.exec(url.trim());
    if (match?.[1]) return match[1];
  } catch {
    // Not a Git repository, or no remote: fall back to the folder's name.
  }
  return basename(resolve(args.dir));
}

async function gitRoot(dir: string): Promise<string> {
  try {
    return (await simpleGit({ baseDir: dir }).revparse(['--show-toplevel'])).trim();
  } catch (cause) {
    throw new ConfigurationError(`${dir} is not inside a Git repository (--rev reads a Git revision)`, { cause });
  }
}

/** Validation errors: print them (as `validate` does) and exit 2, nothing was read from the clusters. */
export function reportInvalid(diagnostics: readonly Diagnostic[]): number {
  process.stderr.write(formatDiagnostics(diagnostics, 'text'));
  process.stderr.write('The repository has validation errors; nothing was planned. Fix them (kkp-gitops validate) and run again.\n');
  return 2;
}

/** The findings of a plan that went ahead: the validator's warnings, and the API servers' dry-run refusals. */
export function printWarnings(diagnostics: readonly Diagnostic[]): void {
  if (diagnostics.length > 0) process.stderr.write(formatDiagnostics(diagnostics, 'text'));
}
