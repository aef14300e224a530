/**
 * Golden files: compare text with a file; `UPDATE_GOLDEN=1` writes the file instead (then review the diff in Git).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';

export function expectGolden(actual: string, file: string): void {
  if (process.env['UPDATE_GOLDEN'] || !existsSync(file)) {
    writeFileSync(file, actual);
    if (!process.env['UPDATE_GOLDEN']) throw new Error(`golden file ${file} did not exist and was written; review it and run again`);
    return;
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}
