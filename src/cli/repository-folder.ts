import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError } from '../core/errors.js';
import { CONFIG_FILE } from '../core/load/load-repository.js';
import type { LoadedRepository } from '../core/load/loaded-repository.js';

const SEARCH_DEPTH = 3;
const SKIPPED = new Set(['node_modules', 'dist', 'coverage']);

/**
 * Refuses, before anything is read, a folder without `kkp-gitops.yaml` that holds repositories in subfolders (the
 * kkp-gitops checkout itself, a monorepo): the user meant one of them. Looks a few levels down, never into
 * `node_modules` or hidden folders.
 */
export function refuseFolderOfRepositories(dir: string, command: string): void {
  if (existsSync(join(dir, CONFIG_FILE))) return;
  const found: string[] = [];
  const walk = (relative: string, depth: number) => {
    if (depth > SEARCH_DEPTH || found.length >= 5) return;
    let entries;
    try {
      entries = readdirSync(join(dir, relative), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isDirectory() || entry.name.startsWith('.') || SKIPPED.has(entry.name)) continue;
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (existsSync(join(dir, child, CONFIG_FILE))) found.push(child);
      else walk(child, depth + 1);
      if (found.length >= 5) return;
    }
  };
  walk('', 1);
  if (found.length === 0) return;
  throw new ConfigurationError(
    `${dir} has no ${CONFIG_FILE}; it holds repositories in subfolders (${found.join(', ')}${found.length >= 5 ? ', …' : ''}). Name one: npx kkp-gitops ${command} ${join(dir, found[0]!)}`,
  );
}

/**
 * Refuses a loaded folder that has no `kkp-gitops.yaml` and no KKP document: it is not a desired-state repository.
 * YAML that is not Kubernetes-shaped (no apiVersion/kind) counts as "not KKP"; any other error (a broken file that
 * may be meant as a KKP document) is left for the diagnostics to show.
 */
export function refuseEmptyRepository(dir: string, repository: LoadedRepository, hasConfigFile: boolean): void {
  if (hasConfigFile || repository.documents.length > 0) return;
  if (repository.diagnostics.some((d) => d.severity === 'error' && d.rule !== 'load/missing-kind')) return;
  throw new ConfigurationError(
    `${dir} has no ${CONFIG_FILE} and no KKP documents (${repository.others.length} other YAML documents, ${repository.ignored.length} files or documents ignored): is it your repository's folder? (npx kkp-gitops validate examples shows one)`,
  );
}
