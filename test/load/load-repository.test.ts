import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Diagnostic } from '../../src/core/diagnostic.js';
import { ConfigurationError } from '../../src/core/errors.js';
import { folderSource } from '../../src/core/load/folder-source.js';
import { loadRepository } from '../../src/core/load/load-repository.js';
import type { LoadedRepository } from '../../src/core/load/loaded-repository.js';
import { CLUSTER, writeRepo, type RepoFiles } from './helpers.js';

async function load(files: RepoFiles): Promise<LoadedRepository> {
  return loadRepository(folderSource(writeRepo(files)));
}

function only(repository: LoadedRepository, rule: string): Diagnostic {
  const found = repository.diagnostics.filter((d) => d.rule === rule);
  expect(found, `diagnostics: ${JSON.stringify(repository.diagnostics)}`).toHaveLength(1);
  return found[0] as Diagnostic;
}

const billionLaughs = `apiVersion: v1
kind: ConfigMap
data:
  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
`;

/** Each bad input, the rule it must raise, the file and the line. */
const CORPUS: ReadonlyArray<{ name: string; files: RepoFiles; rule: string; file: string; line: number }> = [
  { name: 'a YAML syntax error', files: { 'a.yaml': 'apiVersion: v1\nkind: Cluster\nmetadata: name: x\nspec: {}\n' }, rule: 'load/yaml-syntax', file: 'a.yaml', line: 3 },
  { name: 'an unclosed flow mapping', files: { 'a.yaml': 'apiVersion: v1\nkind: Cluster\nmetadata: {name: x\n' }, rule: 'load/yaml-syntax', file: 'a.yaml', line: 4 },
  { name: 'a duplicate key', files: { 'a.yaml': `${CLUSTER}  version: 1.35.7\n  version: 1.34.1\n` }, rule: 'load/duplicate-key', file: 'a.yaml', line: 11 },
  { name: 'an alias bomb (billion laughs)', files: { 'bomb.yaml': billionLaughs }, rule: 'load/alias-bomb', file: 'bomb.yaml', line: 5 },
  {
    name: 'a document over the size limit',
    files: { 'kkp-gitops.yaml': 'apiVersion: gitops.kkp.dev/v1alpha1\nkind: Config\nspec:\n  limits: {maxDocumentBytes: 2048}\n', 'big.yaml': `${CLUSTER}---\n${CLUSTER}  humanReadableName: "${'x'.repeat(3000)}"\n` },
    rule: 'load/document-too-large',
    file: 'big.yaml',
    line: 11,
  },
  { name: 'a Latin-1 file', files: { 'latin1.yaml': Buffer.from('apiVersion: v1\nkind: ConfigMap\ndata:\n  city: M\xfcnchen\n', 'latin1') }, rule: 'load/invalid-utf8', file: 'latin1.yaml', line: 4 },
  { name: 'a binary file named .yaml', files: { 'image.yaml': Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]) }, rule: 'load/binary-file', file: 'image.yaml', line: 3 },
  { name: 'a symlink leaving the repository', files: { 'passwd.yaml': { link: '/etc/passwd' } }, rule: 'load/symlink-escape', file: 'passwd.yaml', line: 1 },
  { name: 'a relative symlink climbing out of the repository', files: { 'up.yaml': { link: '../../outside.yaml' } }, rule: 'load/symlink-escape', file: 'up.yaml', line: 1 },
  { name: 'a document that is a list', files: { 'list.yaml': `${CLUSTER}---\n- a\n- b\n` }, rule: 'load/not-a-mapping', file: 'list.yaml', line: 11 },
  { name: 'a document that is a scalar', files: { 'scalar.yaml': '# just words\nhello world\n' }, rule: 'load/not-a-mapping', file: 'scalar.yaml', line: 2 },
  { name: 'a document without kind', files: { 'nokind.yaml': 'apiVersion: kubermatic.k8c.io/v1\nmetadata:\n  name: x\n' }, rule: 'load/missing-kind', file: 'nokind.yaml', line: 1 },
  { name: 'a document without apiVersion', files: { 'noapi.yaml': 'metadata:\n  name: x\nkind: Cluster\n' }, rule: 'load/missing-kind', file: 'noapi.yaml', line: 1 },
  { name: 'a misspelt KKP kind', files: { 'typo.yaml': 'apiVersion: kubermatic.k8c.io/v1\nkind: Clustr\nmetadata:\n  name: x\n' }, rule: 'load/unknown-kind', file: 'typo.yaml', line: 2 },
  { name: 'an API group one typo away from KKP’s', files: { 'group.yaml': 'apiVersion: kubermatik.k8c.io/v1\nkind: Cluster\nmetadata:\n  name: x\n' }, rule: 'load/unknown-kind', file: 'group.yaml', line: 1 },
  { name: 'a Config outside the root file', files: { 'sub/kkp-gitops.yaml': 'apiVersion: gitops.kkp.dev/v1alpha1\nkind: Config\n' }, rule: 'load/misplaced-config', file: 'sub/kkp-gitops.yaml', line: 2 },
];

describe('loadRepository on bad inputs', () => {
  it.each(CORPUS)('reports $name with its rule, file and line, and keeps reading the other files', async ({ files, rule, file, line }) => {
    const repository = await load({ ...files, 'good.yaml': CLUSTER });
    const diagnostic = only(repository, rule);
    expect(diagnostic).toMatchObject({ file, line });
    expect(diagnostic.message.length).toBeGreaterThan(10);
    expect(repository.documents.map((d) => `${d.file}#${d.index}`)).toContain('good.yaml#0');
  });

  it('makes an API group one typo away from KKP’s an error with a did-you-mean, and leaves other groups alone', async () => {
    const repository = await load({ 'group.yaml': 'apiVersion: kubermatik.k8c.io/v1\nkind: Cluster\nmetadata:\n  name: x\n', 'capi.yaml': 'apiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\nmetadata:\n  name: y\n' });
    expect(only(repository, 'load/unknown-kind')).toMatchObject({ severity: 'error', file: 'group.yaml', hint: 'Did you mean "kubermatic.k8c.io/v1"?' });
  });

  it('reports every duplicate key of a big mapping in linear time, without the fast path', async () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `  k${i}: ${i}`).join('\n');
    const repository = await load({ 'big.yaml': `apiVersion: v1\nkind: ConfigMap\ndata:\n${keys}\n  k7: again\n` });
    expect(only(repository, 'load/duplicate-key')).toMatchObject({ file: 'big.yaml', line: 20_004 });
  });
});

describe('loadRepository', () => {
  it('reads every document of every YAML file with its kind, name and namespace', async () => {
    const seed = 'apiVersion: kubermatic.k8c.io/v1\nkind: Seed\nmetadata:\n  name: seed-eu\n  namespace: kubermatic\nspec: {}\n';
    const repository = await load({ 'clusters/prod.yaml': CLUSTER, 'seeds/eu.yml': `---\n${seed}---\n${CLUSTER.replace('prod-1', 'prod-2')}` });
    expect(repository.diagnostics).toEqual([]);
    expect(repository.documents.map((d) => [d.file, d.index, d.kind, d.name, d.namespace])).toEqual([
      ['clusters/prod.yaml', 0, 'Cluster', 'prod-1', undefined],
      ['seeds/eu.yml', 0, 'Seed', 'seed-eu', 'kubermatic'],
      ['seeds/eu.yml', 1, 'Cluster', 'prod-2', undefined],
    ]);
    expect(repository.documents[0]?.value).toMatchObject({ spec: { cloud: { dc: 'aws-eu' } } });
  });

  it('ignores foreign kinds, non-YAML files, empty files and empty documents, and says why', async () => {
    const repository = await load({
      'a.yaml': CLUSTER,
      'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
      'README.md': '# hello\n',
      'empty.yaml': '',
      'comments.yaml': '# nothing here\n',
      'two.yaml': `${CLUSTER}---\n# empty\n`,
    });
    expect(repository.diagnostics).toEqual([]);
    expect(repository.others.map((d) => d.kind)).toEqual(['ConfigMap']);
    const reasons = Object.fromEntries(repository.ignored.map((i) => [`${i.file}${i.index === undefined ? '' : `#${i.index}`}`, i.reason]));
    expect(reasons).toEqual({
      'README.md': expect.stringContaining('not a YAML file'),
      'cm.yaml#0': expect.stringContaining('ConfigMap (v1) is not a kind kkp-gitops manages'),
      'comments.yaml': expect.stringContaining('empty file'),
      'empty.yaml': expect.stringContaining('empty file'),
      'two.yaml#1': 'empty document',
    });
  });

  it('reads a symlink that stays inside the repository as the file it points to', async () => {
    const repository = await load({ 'shared/cluster.yaml': CLUSTER, 'link.yaml': { link: 'shared/cluster.yaml' } });
    expect(repository.diagnostics).toEqual([]);
    expect(repository.documents.map((d) => d.file)).toEqual(['link.yaml', 'shared/cluster.yaml']);
  });

  it('does not follow a symlinked folder and skips hidden folders', async () => {
    const repository = await load({ 'real/a.yaml': CLUSTER, 'alias': { link: 'real' }, '.github/workflows/ci.yml': 'on: push\n' });
    expect(repository.diagnostics).toEqual([]);
    expect(repository.documents.map((d) => d.file)).toEqual(['real/a.yaml']);
    expect(repository.ignored.map((i) => i.file)).toEqual(['.github', 'alias']);
  });

  it('reads only the configured paths, minus the excluded globs', async () => {
    const repository = await load({
      'kkp-gitops.yaml': 'apiVersion: gitops.kkp.dev/v1alpha1\nkind: Config\nspec:\n  paths: [clusters, "seeds/*.yaml"]\n  exclude: ["**/draft-*"]\n',
      'clusters/a.yaml': CLUSTER,
      'clusters/deep/draft-b.yaml': CLUSTER,
      'seeds/s.yaml': CLUSTER.replace('prod-1', 'prod-3'),
      'seeds/nested/t.yaml': CLUSTER,
      'other/c.yaml': CLUSTER,
    });
    expect(repository.documents.map((d) => d.file)).toEqual(['clusters/a.yaml', 'seeds/s.yaml']);
    expect(repository.ignored).toEqual([{ file: 'clusters/deep/draft-b.yaml', reason: expect.stringContaining('excluded') }]);
  });

  it('locates nodes of documents read by either parser', async () => {
    const anchored = `${CLUSTER}  extra: &x {a: 1}\n  again: *x\n`;
    const repository = await load({ 'fast.yaml': CLUSTER, 'slow.yaml': anchored });
    for (const document of repository.documents) {
      expect(document.locate('/spec/cloud/dc'), document.file).toEqual({ line: 9, column: 9, endLine: 9, endColumn: 15 });
    }
  });

  it('throws a ConfigurationError for a folder that does not exist', async () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'kkp-load-')), 'nope');
    await expect(loadRepository(folderSource(missing))).rejects.toBeInstanceOf(ConfigurationError);
    const file = join(mkdtempSync(join(tmpdir(), 'kkp-load-')), 'file');
    writeFileSync(file, 'x');
    await expect(loadRepository(folderSource(file))).rejects.toBeInstanceOf(ConfigurationError);
  });
});
