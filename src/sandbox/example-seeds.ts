/** The seed names of the repository's `examples/seeds/` (the sandbox's default landscape). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const FALLBACK_SEEDS: readonly string[] = ['seed-eu', 'seed-us'];

/** Walks up from this file to the folder holding `examples/seeds` (works from src/ and dist/). */
export function examplesSeedsFolder(start = dirname(fileURLToPath(import.meta.url))): string | undefined {
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'examples', 'seeds');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Names of the Seeds in a folder's YAML files, sorted; empty when there are none. */
export function seedNamesIn(folder: string): string[] {
  const names = new Set<string>();
  for (const file of readdirSync(folder)) {
    if (!/\.ya?ml$/.test(file)) continue;
    for (const doc of parseAllDocuments(readFileSync(join(folder, file), 'utf8'))) {
      const value = doc.toJS() as { kind?: unknown; metadata?: { name?: unknown } } | null;
      if (value?.kind === 'Seed' && typeof value.metadata?.name === 'string') names.add(value.metadata.name);
    }
  }
  return [...names].sort();
}

export function defaultSeedNames(): string[] {
  const folder = examplesSeedsFolder();
  const names = folder ? seedNamesIn(folder) : [];
  return names.length > 0 ? names : [...FALLBACK_SEEDS];
}
