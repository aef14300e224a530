/**
 * Test helper: a LoadedRepository from YAML text or a fixture folder, parsed with yaml's LineCounter. It stands in
 * for the loader in the validator's tests so that they exercise the rules alone; it follows the loader's contract
 * (documents of known kinds, others, config from kkp-gitops.yaml) without its safety checks.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node, type Pair } from 'yaml';
import { DEFAULT_REPOSITORY_CONFIG, type RepositoryConfig } from '../../../src/core/config/repository-config.js';
import type { SourceRange } from '../../../src/core/diagnostic.js';
import { DEFAULT_KKP_RELEASE, isKkpRelease } from '../../../src/core/kkp-release.js';
import { kindInfo } from '../../../src/core/kinds.js';
import type { LoadedRepository } from '../../../src/core/load/loaded-repository.js';
import type { SourceDocument } from '../../../src/core/load/source-document.js';

export const DEFAULT_CONFIG: RepositoryConfig = {
  paths: ['.'],
  exclude: [],
  edition: 'enterprise',
  kkpVersion: DEFAULT_KKP_RELEASE,
  policy: DEFAULT_REPOSITORY_CONFIG.policy,
  limits: DEFAULT_REPOSITORY_CONFIG.limits,
  rollout: DEFAULT_REPOSITORY_CONFIG.rollout,
};

/** Files (repository-relative path → YAML text) → a repository. `kkp-gitops.yaml` sets the edition and kkpVersion. */
export function repositoryFromYaml(files: Readonly<Record<string, string>>, source = 'test'): LoadedRepository {
  const documents: SourceDocument[] = [];
  const others: SourceDocument[] = [];
  let config = DEFAULT_CONFIG;
  for (const file of Object.keys(files).sort()) {
    const text = files[file] ?? '';
    const lineCounter = new LineCounter();
    parseAllDocuments(text, { lineCounter }).forEach((yamlDoc, index) => {
      if (!('contents' in yamlDoc)) return;
      const value: unknown = yamlDoc.toJS();
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
      const record = value as Record<string, unknown>;
      const apiVersion = typeof record['apiVersion'] === 'string' ? record['apiVersion'] : '';
      const kind = typeof record['kind'] === 'string' ? record['kind'] : '';
      if (file === 'kkp-gitops.yaml' && kind === 'Config') {
        const edition = (record['spec'] as Record<string, unknown> | undefined)?.['edition'];
        if (edition === 'community' || edition === 'enterprise') config = { ...config, edition };
        const kkpVersion = (record['spec'] as Record<string, unknown> | undefined)?.['kkpVersion'];
        if (isKkpRelease(kkpVersion)) config = { ...config, kkpVersion };
        return;
      }
      const metadata = (record['metadata'] ?? {}) as Record<string, unknown>;
      const doc: SourceDocument = {
        file,
        index,
        apiVersion,
        kind,
        name: typeof metadata['name'] === 'string' ? metadata['name'] : '',
        ...(typeof metadata['namespace'] === 'string' ? { namespace: metadata['namespace'] } : {}),
        value: record,
        locate: (pointer) => locate(yamlDoc, lineCounter, pointer),
      };
      (kindInfo(apiVersion, kind) ? documents : others).push(doc);
    });
  }
  return { source, config, documents, others, ignored: [], diagnostics: [] };
}

/** Every `.yaml`/`.yml` file under a folder → a repository. */
export function repositoryFromFolder(folder: string): LoadedRepository {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(name)) files[relative(folder, path).split(sep).join('/')] = readFileSync(path, 'utf8');
    }
  };
  walk(folder);
  return repositoryFromYaml(files, folder);
}

function locate(doc: Document, lineCounter: LineCounter, pointer: string): SourceRange {
  const tokens = pointer === '' ? [] : pointer.slice(1).split('/').map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
  let node: Node | null | undefined = doc.contents as Node | null;
  let found: Node | null | undefined = node;
  for (const token of tokens) {
    if (isMap(node)) {
      // Like the loader: the value of a key, or the key itself when the value is empty.
      const pair: Pair<unknown, unknown> | undefined = node.items.find((p) => isScalar(p.key) && String(p.key.value) === token);
      const value = pair?.value as Node | null | undefined;
      const empty = !value || (isScalar(value) && value.value === null && value.range?.[0] === value.range?.[1]);
      node = empty ? (pair?.key as Node | undefined) : value;
      if (empty && node) {
        found = node;
        break;
      }
    } else if (isSeq(node)) {
      node = node.items[Number(token)] as Node | undefined;
    } else {
      node = undefined;
    }
    if (!node) break;
    found = node;
  }
  const range = found?.range ?? [0, 0, 0];
  const start = lineCounter.linePos(range[0]);
  const end = lineCounter.linePos(range[1]);
  return { line: start.line, column: start.col, endLine: end.line, endColumn: end.col };
}
