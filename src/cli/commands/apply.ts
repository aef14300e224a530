import type { ApplyProgress, ApplyResult } from '../../core/apply/apply-result.js';
import { applyRepository } from '../../core/apply/apply-repository.js';
import { ConfigurationError } from '../../core/errors.js';
import { formatObjectId } from '../../core/object-id.js';
import { renderReport } from '../../core/report/render-report.js';
import { changeCount, toReportView } from '../../core/report/report-view.js';
import { APPLY_OPTIONS, formatOptionHelp } from '../command-options.js';
import { cliAllowance, connectorFor, engineArgs, loadHead, parseCommandArgs, printWarnings, repositoryId, reportInvalid } from './plan.js';

export const APPLY_USAGE = `Usage: kkp-gitops apply [DIR] [--kubeconfig FILE] [--context NAME] [--format text|markdown|json]
                        [--allow-deletions] [--dry-run] [--force-conflicts] [--concurrency N] [--rev REV]

Validates and plans the repository (see kkp-gitops plan --help), then applies the plan: server-side apply with
field manager kkp-gitops, per target in stage order (Seeds, then Projects and Users, then bindings and SSH keys,
then Clusters; deletes in reverse). A failed stage stops the later stages of its target only; the other targets
go on. Objects already as desired are not written. Progress goes to stderr, the result to stdout.

${formatOptionHelp(APPLY_OPTIONS)}

Exit status: 0 nothing to apply, 1 changes applied, 2 error (invalid repository, unreachable target, a failed
or refused change).`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('apply', args, APPLY_OPTIONS);
  if (parsed === 'help') {
    process.stdout.write(`${APPLY_USAGE}\n`);
    return 0;
  }
  const engine = engineArgs(parsed.values, parsed.positionals);
  const concurrency = parsed.values['concurrency'] === undefined ? 8 : Number(parsed.values['concurrency']);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new ConfigurationError(`--concurrency wants a whole number of at least 1, got "${String(parsed.values['concurrency'])}"`);
  const head = await loadHead(engine);
  const connector = connectorFor(engine);
  try {
    const outcome = await applyRepository({
      head,
      connector,
      repository: await repositoryId(engine, head),
      ...cliAllowance(engine, head),
      dryRun: parsed.values['dry-run'] === true,
      force: parsed.values['force-conflicts'] === true,
      concurrency,
      onProgress: progressPrinter((line) => process.stderr.write(`${line}\n`)),
    });
    if (!outcome.result) return reportInvalid(outcome.diagnostics);
    printWarnings(outcome.diagnostics);
    process.stdout.write(renderReport(outcome.result, { format: engine.format }));
    return applyExitCode(outcome.result);
  } finally {
    await connector.close?.();
  }
}

/** 0 nothing written, 1 changes applied, 2 any failure (a failed change, an unreachable target). */
export function applyExitCode(result: ApplyResult): number {
  const view = toReportView(result);
  if (view.errorCount > 0 || result.targets.some((t) => t.status !== 'applied')) return 2;
  return changeCount(view.counts) > 0 ? 1 : 0;
}

/**
 * Progress for long applies: every failure at once, and a count line at each tenth of the writes when there are
 * at least 50 of them.
 */
export function progressPrinter(print: (line: string) => void): (p: ApplyProgress) => void {
  let lastTenth = 0;
  return (p) => {
    if (p.error) print(`  failed ${p.action} ${formatObjectId(p.id)}: ${p.error.message}`);
    if (p.total < 50) return;
    const tenth = Math.floor((p.done * 10) / p.total);
    if (tenth > lastTenth) {
      lastTenth = tenth;
      print(`  applied ${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')} writes (${tenth * 10}%)`);
    }
  };
}
