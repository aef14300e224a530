/**
 * `kkp-gitops demo`: the whole loop on `examples/` against an in-process sandbox (a KKP master and the examples'
 * seeds on the built-in Kubernetes API emulator): validate → plan (everything to create) → apply → plan again (no
 * changes). Needs no cluster and no network; the README's first command.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { applyPlan } from '../../core/apply/apply-plan.js';
import { hasErrors } from '../../core/diagnostic.js';
import { ConfigurationError } from '../../core/errors.js';
import { folderSource } from '../../core/load/folder-source.js';
import { loadRepository } from '../../core/load/load-repository.js';
import { planRepository } from '../../core/plan/plan-repository.js';
import { formatDiagnostics } from '../../core/report/format-diagnostics.js';
import { validateRepository } from '../../core/validate/validate-repository.js';
import { renderReport } from '../../core/report/render-report.js';
import { changeCount, toReportView } from '../../core/report/report-view.js';
import { createKubeConnector } from '../../kube/kube-connector.js';
import { DEMO_OPTIONS, formatOptionHelp } from '../command-options.js';
import { sandboxHealth } from '../../sandbox/kkp-controllers/sandbox-health.js';
import { startSandbox } from '../../sandbox/start-sandbox.js';
import { applyExitCode, progressPrinter } from './apply.js';

/** The demo's KKP controller delay: short, so that the demo stays quick but shows Clusters Creating → Running. */
const DEMO_CONTROLLER_DELAY_MS = 200;

export const DEMO_USAGE = `Usage: kkp-gitops demo [DIR]

Runs validate → plan → apply → health → plan again on DIR (default: the examples/ of kkp-gitops) against a sandbox started
in this process: a KKP master and the repository's seeds on the built-in Kubernetes API emulator, with KKP's CRDs,
admission checks, the seeds' kubeconfig Secrets and stand-ins for KKP's controllers (the health step waits until
every Seed is Healthy and every Cluster Running). Nothing outside this process is touched.

${formatOptionHelp(DEMO_OPTIONS)}

Exit status: 0 when the loop ends with nothing left to change, 2 otherwise.`;

export async function run(args: string[]): Promise<number> {
  let positionals: string[];
  let help: boolean | undefined;
  try {
    ({ positionals, values: { help } } = parseArgs({ args, allowPositionals: true, options: DEMO_OPTIONS }));
  } catch (error) {
    throw new ConfigurationError(`${error instanceof Error ? error.message : String(error)} (see kkp-gitops demo --help)`);
  }
  if (help) {
    process.stdout.write(`${DEMO_USAGE}\n`);
    return 0;
  }
  const dir = positionals[0] ?? examplesFolder();
  const out = (text = '') => process.stdout.write(`${text}\n`);

  out(`== 1. validate ${dir}`);
  const head = await loadRepository(folderSource(dir));
  const diagnostics = validateRepository(head);
  process.stdout.write(formatDiagnostics(diagnostics, 'text', { ignored: head.ignored, source: head.source }));
  if (hasErrors(diagnostics)) {
    out('The repository has validation errors; the demo stops here.');
    return 2;
  }
  const seeds = [...new Set(head.documents.filter((d) => d.kind === 'Seed' && d.name !== '').map((d) => d.name))].sort();
  const sandbox = await startSandbox({ seeds, port: 0, kkpControllers: { delayMs: DEMO_CONTROLLER_DELAY_MS } });
  const connectors = [createKubeConnector({ kubeconfig: sandbox.kubeconfig }), createKubeConnector({ kubeconfig: sandbox.kubeconfig })] as const;
  try {
    out(`Sandbox: master and ${seeds.join(', ')} on ${[...sandbox.clusters.values()].map((c) => c.url).join(', ')}`);
    const first = await planRepository({ head, connector: connectors[0] });
    if (!first.plan) return 2;

    out();
    out('== 2. plan (the sandbox is empty: everything is to be created)');
    process.stdout.write(renderReport(first.plan, { format: 'text', diffs: false }));

    out();
    out('== 3. apply');
    const result = await applyPlan(first.plan, first.clients ?? new Map(), { onProgress: progressPrinter(out) });
    process.stdout.write(renderReport(result, { format: 'text', diffs: false }));
    if (applyExitCode(result) === 2) return 2;

    out();
    out(`== 4. health (the sandbox plays KKP's controllers: Clusters turn Running after ${DEMO_CONTROLLER_DELAY_MS} ms)`);
    const health = await sandboxHealth(sandbox.clusters);
    for (const line of health) out(`${line.healthy ? '  ok  ' : '  NOT '} ${line.text}`);

    out();
    out('== 5. plan again (the clusters now match the repository)');
    const second = await planRepository({ head, connector: connectors[1] });
    if (!second.plan) return 2;
    process.stdout.write(renderReport(second.plan, { format: 'text', diffs: false }));
    const settled = toReportView(second.plan);
    const ok = changeCount(settled.counts) === 0 && settled.errorCount === 0 && health.every((line) => line.healthy);
    out();
    out(ok ? 'Demo complete: a second plan finds nothing to change.' : 'Demo ended with changes still planned: that is a bug, please report it.');
    out(`Next: run \`npx kkp-gitops sandbox\` and, in another terminal, \`npx kkp-gitops plan ${displayFolder(dir)} --kubeconfig .sandbox/kubeconfig --context master\`.`);
    return ok ? 0 : 2;
  } finally {
    for (const c of connectors) await c.close?.();
    await sandbox.stop();
  }
}

/** The folder as the user can type it from here: relative when below the working folder. */
function displayFolder(dir: string): string {
  const rel = relative(process.cwd(), resolve(dir));
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? resolve(dir) : rel;
}

/** `examples/` of the kkp-gitops package (from `src/` with tsx or from `dist/`). */
function examplesFolder(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'examples');
    if (existsSync(join(candidate, 'kkp-gitops.yaml'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new ConfigurationError(`cannot find the examples folder; name one: kkp-gitops demo DIR (looked from ${resolve('.')})`);
    dir = parent;
  }
}
