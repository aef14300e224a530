/** The `/kkp` commands people write in pull request comments, reviews and review comments. */

export type CommandName = 'plan' | 'help' | 'allow-deletions' | 'resume';

export interface CommandInfo {
  readonly name: CommandName;
  readonly summary: string;
  /** Needs write, maintain or admin permission on the repository. */
  readonly changesState: boolean;
}

/** The command table, in the order `/kkp help` lists it. */
export const COMMANDS: readonly CommandInfo[] = [
  { name: 'plan', summary: 're-validate and re-plan the pull request now', changesState: false },
  { name: 'allow-deletions', summary: 'accept the destructive changes of the plan for the current head commit (a new push revokes it)', changesState: true },
  { name: 'resume', summary: 'on the merged pull request: retry the wave its rollout halted at, once the cause is fixed outside Git', changesState: true },
  { name: 'help', summary: 'list these commands', changesState: false },
];

export type ParsedCommand = { readonly kind: 'command'; readonly command: CommandInfo; readonly args: readonly string[] } | { readonly kind: 'unknown'; readonly word: string };

/**
 * The command in a comment body: its first non-empty line must start with `/kkp`. Returns undefined for any other
 * comment, `unknown` for `/kkp` followed by something that is no command (or nothing).
 */
export function parseCommand(body: string | null | undefined): ParsedCommand | undefined {
  const first = (body ?? '').split(/\r?\n/).find((l) => l.trim() !== '')?.trim() ?? '';
  const [prefix, word = '', ...args] = first.split(/\s+/);
  if (prefix !== '/kkp') return undefined;
  const command = COMMANDS.find((c) => c.name === word.toLowerCase());
  return command ? { kind: 'command', command, args } : { kind: 'unknown', word };
}

/** The commands as a Markdown list (for `/kkp help` and the plan comment). */
export function commandHelp(): string {
  return COMMANDS.map((c) => `- \`/kkp ${c.name}\`: ${c.summary}${c.changesState ? ' (write access)' : ''}`).join('\n');
}

/** Base repository permissions (GitHub's `permission`, never the custom `role_name`) that may run commands that change something. */
export function mayChange(permission: string | undefined): boolean {
  return permission === 'admin' || permission === 'maintain' || permission === 'write';
}
