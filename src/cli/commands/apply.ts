import type { ApplyProgress, ApplyResult, RolloutReport } from '../../core/apply/apply-result.js';
import type { TargetHealthProgress } from '../../core/apply/wait-for-health.js';
import { systemClock } from '../../coordination/clock.js';
import { applyRepository } from '../../core/apply/apply-repository.js';
import { ConfigurationError } from '../../core/errors.js';
import { formatObjectId } from '../../core/object-id.js';
import { renderReport } from '../../core/report/render-report.js';
import { changeCount, toReportView } from '../../core/report/report-view.js';
import { APPLY_OPTIONS, formatOptionHelp } from '../command-options.js';
import { cliAllowance, connectorFor, engineArgs, loadHead, parseCommandArgs, printWarnings, repositoryId, reportInvalid } from './plan.js';

export const APPLY_USAGE = `Usage: kkp-gitops apply [DIR] [--kubeconfig FILE] [--context NAME] [--format text|markdown|json]
                        [--allow-deletions] [--dry-run] [--force-conflicts] [--concurrency N] [--rev REV] [--wait]

Validates and plans the repository (see kkp-gitops plan --help), then applies the plan: server-side apply with
field manager kkp-gitops, per target in stage order (Seeds, then Projects and Users, then bindings and SSH keys,
then Clusters; deletes in reverse). A failed stage stops the later stages of its target only; the other targets
go on. Objects already as desired are not written. Progress goes to stderr, the result to stdout.

With --wait (or waves in kkp-gitops.yaml's spec.rollout) the master goes first, then the seeds wave by wave; with
--wait each target is watched after its apply until KKP reports every object it changed healthy (Clusters Running
with their components up, Seeds Healthy, Projects Active), at most spec.rollout.timeoutSeconds (default 600), and
an unhealthy wave stops the rollout (spec.rollout.haltOnFailure, default true). Progress on stderr: target,
objects healthy/total, what is still waiting.

${formatOptionHelp(APPLY_OPTIONS)}

Exit status: 0 nothing to apply, 1 changes applied, 2 error (invalid repository, unreachable target, a failed
or refused change, with --wait an object not healthy in time or a wave not run).`;

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
  const print = (line: string) => void process.stderr.write(`${line}\n`);
  try {
    const outcome = await applyRepository({
      head,
      connector,
      repository: await repositoryId(engine, head),
      ...cliAllowance(engine, head),
      dryRun: parsed.values['dry-run'] === true,
      force: parsed.values['force-conflicts'] === true,
      concurrency,
      onProgress: progressPrinter(print),
      wait: parsed.values['wait'] === true,
      clock: systemClock,
      onHealthProgress: healthPrinter(print),
      onWaveStart: (wave) => print(`wave ${wave.number}: ${wave.targets.join(', ')}`),
    });
    if (!outcome.result) return reportInvalid(outcome.diagnostics);
    printWarnings(outcome.diagnostics);
    process.stdout.write(renderReport(outcome.result, { format: engine.format }));
    if (outcome.result.rollout) printRollout(outcome.result.rollout, print);
    return applyExitCode(outcome.result);
  } finally {
    await connector.close?.();
  }
}

/** 0 nothing written, 1 changes applied, 2 any failure (a failed change, an unreachable target, not healthy, a wave not run). */
export function applyExitCode(result: ApplyResult): number {
  const view = toReportView(result);
  if (view.errorCount > 0 || result.targets.some((t) => t.status !== 'applied')) return 2;
  if (result.rollout && (result.rollout.stopped || result.rollout.health.some((h) => h.state !== 'healthy'))) return 2;
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

/** `seed-eu: 3/4 healthy, waiting for Cluster/shop-eu (apiserver HealthStatusDown)`, whenever the count changes. */
export function healthPrinter(print: (line: string) => void): (p: TargetHealthProgress) => void {
  return (p) => {
    const waiting = p.waiting.slice(0, 3).map((o) => `${o.id.kind}/${o.id.name} (${o.health.reasons.slice(0, 3).join(', ')})`);
    const more = p.waiting.length > 3 ? ` and ${p.waiting.length - 3} more` : '';
    print(`  ${p.target}: ${p.healthy}/${p.total} healthy${waiting.length ? `, waiting for ${waiting.join(', ')}${more}` : ''}`);
  };
}

/** The rollout's verdict on stderr: each target not healthy with KKP's reasons (and errorMessage), and where it stopped. */
function printRollout(rollout: RolloutReport, print: (line: string) => void): void {
  for (const h of rollout.health.filter((t) => t.state !== 'healthy')) {
    print(`${h.target}: not healthy${h.timedOut ? ` after ${Math.round(h.waitedMs / 1000)} s` : ''}`);
    for (const o of h.waiting.slice(0, 20)) print(`  ${formatObjectId(o.id)}: ${o.health.reasons.join(', ')}${o.health.detail ? ` (${o.health.detail})` : ''}`);
  }
  const s = rollout.stopped;
  if (s) print(s.why === 'window' ? `wave ${s.wave} waits for its change window${s.opensAt ? ` until ${s.opensAt}` : ''}: ${s.untouched.join(', ')} not applied` : `rollout stopped at wave ${s.wave} (${s.reason}): ${s.untouched.join(', ') || 'no target'} not applied`);
}
