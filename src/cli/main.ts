import { readFileSync } from 'node:fs';
import { describeError, KkpGitopsError } from '../core/errors.js';

/** A CLI command: gets its own arguments, returns the process exit code. */
export type Command = (args: string[]) => Promise<number>;

interface CommandEntry {
  readonly summary: string;
  readonly load: () => Promise<Command>;
}

/** The command table. Each command lives in `commands/<name>.ts` and exports `run`. */
const COMMANDS: Record<string, CommandEntry> = {
  validate: { summary: 'validate a desired-state repository (folder or Git revision)', load: async () => (await import('./commands/validate.js')).run },
  plan: { summary: 'show the changes that would bring the clusters to the desired state', load: async () => (await import('./commands/plan.js')).run },
  apply: { summary: 'apply the desired state to the master and every seed', load: async () => (await import('./commands/apply.js')).run },
  sandbox: { summary: 'run a KKP master and seeds on the built-in Kubernetes API emulator', load: async () => (await import('./commands/sandbox.js')).run },
  serve: { summary: 'run the GitHub App (Probot server)', load: async () => (await import('./commands/serve.js')).run },
  demo: { summary: 'validate, plan, apply and plan again the examples against a sandbox', load: async () => (await import('./commands/demo.js')).run },
};

export const USAGE = `kkp-gitops: GitOps for Kubermatic Kubernetes Platform

Usage: kkp-gitops <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Run 'kkp-gitops <command> --help' for a command's options, 'kkp-gitops --version' for the version.`;

/** The version of the kkp-gitops package this file belongs to (from `src/` with tsx or from `dist/`). */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    process.stdout.write(`kkp-gitops ${packageVersion()}\n`);
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    process.stderr.write(`kkp-gitops: unknown command '${name}'\n\n${USAGE}\n`);
    return 2;
  }
  try {
    return await (await entry.load())(rest);
  } catch (error) {
    // Expected failures carry a typed error; anything else is a bug, but still no stack trace for the user
    // unless they ask for it.
    const prefix = error instanceof KkpGitopsError ? '' : 'internal error: ';
    process.stderr.write(`kkp-gitops ${name}: ${prefix}${describeError(error)}\n`);
    if (process.env['KKP_GITOPS_DEBUG'] && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return 2;
  }
}
