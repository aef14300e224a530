#!/usr/bin/env node
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('kkp-gitops: dist/ is not built yet; run `npm run build` (or `npm run demo`, `npm test`) first\n');
  process.exit(2);
}
process.exitCode = await (await import(main.href)).main(process.argv.slice(2));
