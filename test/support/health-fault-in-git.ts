/**
 * Puts the sandbox controllers' fault annotation (`sandbox.kkp-gitops.dev/health`) on a Cluster document of a test
 * repository, so the Cluster is created with it and the controllers report that state from the start (as an
 * operator's `kubectl annotate` would after creation).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { HEALTH_FAULT_ANNOTATION } from '../../src/sandbox/kkp-controllers/health-fault.js';

export function faultInGit(file: string, value: string): void {
  const text = readFileSync(file, 'utf8');
  if (!/^metadata:\n/m.test(text)) throw new Error(`${file} has no metadata block`);
  writeFileSync(file, text.replace(/^metadata:\n/m, `metadata:\n  annotations:\n    ${HEALTH_FAULT_ANNOTATION}: ${JSON.stringify(value)}\n`));
}
