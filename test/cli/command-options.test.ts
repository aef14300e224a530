import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderCliTable, withCliTable } from '../../src/cli/cli-table.js';
import { COMMAND_REFERENCE, optionSynopsis } from '../../src/cli/command-options.js';
import { packageVersion } from '../../src/cli/main.js';
import { runCli } from './support/run-cli.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('the command-line reference', () => {
  it("README.md's command table is the one generated from the commands' option definitions (npm run generate-cli-table)", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(withCliTable(readme)).toBe(readme);
  });

  it('lists every option of every command, --kubeconfig as optional', () => {
    const table = renderCliTable();
    for (const command of COMMAND_REFERENCE) {
      for (const [name, option] of Object.entries(command.options)) if (name !== 'help') expect(table).toContain(optionSynopsis(name, option).replaceAll('|', '\\|'));
    }
    expect(table).not.toMatch(/\[--kubeconfig|--kubeconfig FILE \(required/);
  });

  it.each(COMMAND_REFERENCE.map((c) => [c.name, c] as const))("%s --help names every option it accepts", async (name, command) => {
    const help = await runCli(...name.split(' '), '--help');
    expect(help.code).toBe(0);
    for (const option of Object.keys(command.options)) expect(help.stdout).toContain(`--${option}`);
  });

  it('refuses an option a command does not define, naming it', async () => {
    const result = await runCli('sandbox', '--seed', 'x');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("'--seed'");
  });

  it('prints the package version for --version', async () => {
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
    expect(packageVersion()).toBe(version);
    expect(await runCli('--version')).toMatchObject({ code: 0, stdout: `kkp-gitops ${version}\n` });
  });
});
