/** Rewrites the command-line table of README.md from the commands' option definitions. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withCliTable } from '../src/cli/cli-table.js';

const readme = join(import.meta.dirname, '..', 'README.md');
writeFileSync(readme, withCliTable(readFileSync(readme, 'utf8')));
process.stdout.write('README.md: command-line table regenerated\n');
