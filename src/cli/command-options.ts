/**
 * Every command's options, defined once: `parseArgs` reads them (the extra `value` and `description` keys are
 * ignored by it), and the README's command-line table is generated from them (`scripts/generate-cli-table.ts`;
 * `test/cli/cli-table.test.ts` fails when the README differs). Light on purpose: no command's code is imported.
 */

export interface CliOption {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly default?: string;
  /** The value's placeholder in usage text (`FILE`, `REV`); string options only. */
  readonly value?: string;
  readonly description: string;
}

export type CliOptions = Readonly<Record<string, CliOption>>;

const HELP = { help: { type: 'boolean', short: 'h', description: 'this help' } } as const satisfies CliOptions;

export const VALIDATE_OPTIONS = {
  base: { type: 'string', value: 'REV', description: 'also check the change from Git revision REV (immutable fields, datacenters and seeds still in use, version updates)' },
  rev: { type: 'string', value: 'REV', description: 'validate Git revision REV instead of the files in DIR' },
  format: { type: 'string', value: 'text|json|github', default: 'text', description: 'output format (github: workflow-command annotations)' },
  ...HELP,
} as const satisfies CliOptions;

/** Flags shared by `plan` and `apply`. */
export const ENGINE_OPTIONS = {
  kubeconfig: { type: 'string', value: 'FILE', description: 'kubeconfig of the master (default: $KUBECONFIG, else ~/.kube/config)' },
  context: { type: 'string', value: 'NAME', description: "the master's context in it (default: the current context)" },
  'in-cluster': { type: 'boolean', description: "use the pod's service account for the master" },
  format: { type: 'string', value: 'text|markdown|json', default: 'text', description: 'output format (markdown: a pull-request comment)' },
  'allow-deletions': { type: 'boolean', description: 'plan destructive deletions (Clusters, Seeds, datacenters); otherwise they are skipped' },
  rev: { type: 'string', value: 'REV', description: 'use Git revision REV of the repository holding DIR instead of the files in DIR' },
  repository: { type: 'string', value: 'ID', description: "repository id stamped on objects (default: kkp-gitops.yaml's, else the Git remote's owner/name, else the folder's name)" },
  ...HELP,
} as const satisfies CliOptions;

export const PLAN_OPTIONS = ENGINE_OPTIONS;

export const APPLY_OPTIONS = {
  ...ENGINE_OPTIONS,
  'dry-run': { type: 'boolean', description: 'send every write with dryRun=All: admission runs, nothing is stored' },
  'force-conflicts': { type: 'boolean', description: 'take over fields another field manager owns' },
  concurrency: { type: 'string', value: 'N', default: '8', description: 'writes in flight per target' },
} as const satisfies CliOptions;

export const SANDBOX_OPTIONS = {
  seeds: { type: 'string', value: 'a,b', description: 'seed names (default: the seeds of examples/, else seed-eu,seed-us)' },
  port: { type: 'string', value: 'N', description: 'master on port N, seeds on N+1, N+2, ... (default: any free ports)' },
  'kubeconfig-out': { type: 'string', value: 'FILE', default: '.sandbox/kubeconfig', description: 'where to write the kubeconfig (refused while another sandbox serves the one there)' },
  'state-file': { type: 'string', value: 'FILE', description: 'restore the clusters from FILE and save them there on exit' },
  'kkp-controllers': { type: 'boolean', description: "run stand-ins for KKP's controllers: Seeds Healthy, Projects Active, Clusters Creating → Running (fault annotation sandbox.kkp-gitops.dev/health)" },
  'controller-delay-ms': { type: 'string', value: 'N', default: '2000', description: 'with --kkp-controllers: how long a Cluster stays Creating (or Updating after a version change)' },
  ...HELP,
} as const satisfies CliOptions;

export const SANDBOX_FAULT_OPTIONS = {
  kubeconfig: { type: 'string', value: 'FILE', description: "the running sandbox's kubeconfig (default: the first of $KUBECONFIG and .sandbox/kubeconfig that names a sandbox)" },
  refuse: { type: 'boolean', description: "close the target's listener: clients get connection refused (a cluster going down)" },
  accept: { type: 'boolean', description: 'listen again on the same port' },
  'latency-ms': { type: 'string', value: 'N', description: 'add N ms to every request' },
  'failure-rate': { type: 'string', value: 'R', description: 'fail a share R (0..1) of requests, spread evenly' },
  status: { type: 'string', value: '500|503|429', description: 'the status of failed requests (default: 503)' },
  clear: { type: 'boolean', description: 'no latency, no failures, connections accepted' },
  ...HELP,
} as const satisfies CliOptions;

export const DEMO_OPTIONS = { ...HELP } as const satisfies CliOptions;
export const SERVE_OPTIONS = { ...HELP } as const satisfies CliOptions;

export interface CommandReference {
  readonly name: string;
  /** Operands, as in usage text (`[DIR]`). */
  readonly operands: string;
  readonly options: CliOptions;
  readonly what: string;
  readonly exitCodes: string;
}

/** The commands as the README's table lists them, in its order. */
export const COMMAND_REFERENCE: readonly CommandReference[] = [
  { name: 'validate', operands: '[DIR]', options: VALIDATE_OPTIONS, what: 'load and validate; `--base` enables the change rules (immutable fields, datacenters still in use)', exitCodes: '0 valid, 1 errors, 2 could not run' },
  { name: 'plan', operands: '[DIR]', options: PLAN_OPTIONS, what: 'the changes per target', exitCodes: '0 no changes, 1 changes, 2 error' },
  { name: 'apply', operands: '[DIR]', options: APPLY_OPTIONS, what: 'apply the plan', exitCodes: '0 no changes, 1 changes applied, 2 error' },
  { name: 'sandbox', operands: '', options: SANDBOX_OPTIONS, what: 'a KKP master and seeds on the built-in Kubernetes API emulator, until Ctrl-C', exitCodes: '0 stopped, 2 could not start' },
  { name: 'sandbox fault', operands: 'TARGET', options: SANDBOX_FAULT_OPTIONS, what: "switch faults of a running sandbox's cluster TARGET (`master`, a seed) and print its fault state", exitCodes: '0 switched, 2 error' },
  { name: 'demo', operands: '[DIR]', options: DEMO_OPTIONS, what: "the README's first command: the whole loop on `examples/` (or DIR) against an in-process sandbox", exitCodes: '0 nothing left to change, 2 otherwise' },
  { name: 'serve', operands: '', options: SERVE_OPTIONS, what: 'the GitHub App (Probot server); settings from the environment', exitCodes: '' },
];

/** `--kubeconfig FILE`, `--dry-run`, `-h, --help`. */
export function optionSynopsis(name: string, option: CliOption): string {
  const long = `--${name}${option.type === 'string' ? ` ${option.value ?? 'VALUE'}` : ''}`;
  return option.short ? `-${option.short}, ${long}` : long;
}

/** The options block of a command's `--help`, generated from its definitions. */
export function formatOptionHelp(options: CliOptions): string {
  const rows = Object.entries(options).map(([name, option]) => [optionSynopsis(name, option), `${option.description}${option.default !== undefined ? ` (default: ${option.default})` : ''}`] as const);
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`).join('\n');
}
