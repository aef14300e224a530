import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileSource } from '../../src/core/load/file-source.js';
import { gitCommitSource } from '../../src/core/load/git-commit-source.js';
import { loadRepository } from '../../src/core/load/load-repository.js';
import { createParsedFileCache } from '../../src/core/load/parsed-file-cache.js';

const project = (name: string, display: string) => `apiVersion: kubermatic.k8c.io/v1\nkind: Project\nmetadata:\n  name: ${name}\nspec:\n  name: ${display}\n`;

/** A repository with three project files in two commits; the second changes one file. */
function repository(): { dir: string; first: string; second: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kkp-parsed-cache-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
  git('init', '--quiet', '--initial-branch=main');
  git('config', 'user.name', 'Test');
  git('config', 'user.email', 'test@example.com');
  mkdirSync(join(dir, 'projects'));
  for (const name of ['alpha00001', 'beta000002', 'gamma00003']) writeFileSync(join(dir, 'projects', `${name}.yaml`), project(name, name));
  git('add', '-A');
  git('commit', '--quiet', '-m', 'three projects');
  const first = git('rev-parse', 'HEAD');
  writeFileSync(join(dir, 'projects', 'beta000002.yaml'), project('beta000002', 'Beta renamed'));
  git('commit', '--quiet', '-am', 'rename beta');
  return { dir, first, second: git('rev-parse', 'HEAD') };
}

/** A source that records which paths were read. */
function recording(source: FileSource, reads: string[][]): FileSource {
  return { ...source, list: () => source.list(), read: (paths) => (reads.push([...paths]), source.read(paths)) };
}

describe('the parsed-file cache', () => {
  it('reads and parses only the files a later revision changed, and gives the same documents', async () => {
    const { dir, first, second } = repository();
    const cache = createParsedFileCache();
    const reads: string[][] = [];
    await loadRepository(recording(await gitCommitSource(dir, first), reads), { parsedFiles: cache });
    const cachedLoad = await loadRepository(recording(await gitCommitSource(dir, second), reads), { parsedFiles: cache });
    const freshLoad = await loadRepository(await gitCommitSource(dir, second));

    expect(reads[0]).toEqual(['projects/alpha00001.yaml', 'projects/beta000002.yaml', 'projects/gamma00003.yaml']);
    expect(reads).toHaveLength(2);
    expect(reads.at(-1)).toEqual(['projects/beta000002.yaml']);
    const view = (docs: typeof freshLoad.documents) => docs.map((d) => ({ file: d.file, name: d.name, value: d.value, at: d.locate('/spec/name') }));
    expect(view(cachedLoad.documents)).toEqual(view(freshLoad.documents));
    expect(cachedLoad.documents.find((d) => d.name === 'beta000002')?.value).toMatchObject({ spec: { name: 'Beta renamed' } });
  });

  it('keeps at most its limit, dropping the least recently used file', () => {
    const cache = createParsedFileCache(2);
    const limits = { maxDocumentBytes: 1024, maxAliases: 10, maxDocumentsPerFile: 10, maxDepth: 10 };
    const parsed = { documents: [], emptyDocuments: [], empty: true, diagnostics: [] };
    cache.set('a.yaml', '1', limits, parsed);
    cache.set('b.yaml', '2', limits, parsed);
    cache.get('a.yaml', '1', limits);
    cache.set('c.yaml', '3', limits, parsed);
    expect(cache.size).toBe(2);
    expect(cache.get('b.yaml', '2', limits)).toBeUndefined();
    expect(cache.get('a.yaml', '1', limits)).toBe(parsed);
    expect(cache.get('a.yaml', '1', { ...limits, maxAliases: 11 })).toBeUndefined();
  });
});
