import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateRepository } from '../../bench/generate-repository.js';
import { folderSource } from '../../src/core/load/folder-source.js';
import { loadRepository } from '../../src/core/load/load-repository.js';
import { validateDocumentsSchema } from '../../src/core/validate/schema/validate-document-schema.js';
import { validateRepository } from '../../src/core/validate/validate-repository.js';
import { sourceDocumentsFromYaml } from '../schemas/source-documents-from-yaml.js';

const scratch = mkdtempSync(join(tmpdir(), 'kkp-gitops-generated-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.set(relative(dir, join(d, e.name)), readFileSync(join(d, e.name), 'utf8'));
    }
  };
  walk(dir);
  return out;
}

const small = { seeds: 3, datacenters: 12, clusters: 40, projects: 4 };

describe('generateRepository', () => {
  it('writes a repository whose every document passes the schemas', () => {
    const dir = join(scratch, 'a');
    const summary = generateRepository(dir, small);
    const tree = readTree(dir);
    const docs = [...tree].flatMap(([file, text]) => sourceDocumentsFromYaml(file, text));
    expect(validateDocumentsSchema(docs)).toEqual([]);
    expect(summary.files).toBe(tree.size);
    expect(summary.kinds).toMatchObject({ Seed: 3, Datacenter: 9, Cluster: 40, Project: 4, User: 8, UserProjectBinding: 8, GroupProjectBinding: 4, UserSSHKey: 4 });
    // The three datacenters not in files are inline in their seeds.
    expect(docs.filter((d) => d.kind === 'Seed').flatMap((d) => Object.keys((d.value.spec as { datacenters: object }).datacenters))).toHaveLength(3);
  });

  it('writes a repository the whole validator accepts, cross-object rules included', async () => {
    const dir = join(scratch, 'e');
    generateRepository(dir, small);
    expect(validateRepository(await loadRepository(folderSource(dir)))).toEqual([]);
  });

  it('writes the same bytes for the same options', () => {
    generateRepository(join(scratch, 'b'), small);
    generateRepository(join(scratch, 'c'), small);
    expect(readTree(join(scratch, 'b'))).toEqual(readTree(join(scratch, 'c')));
  });

  it('gives every project a distinct 10-character ID', () => {
    const dir = join(scratch, 'd');
    generateRepository(dir, { seeds: 1, datacenters: 1, clusters: 0, projects: 150 });
    const ids = readdirSync(join(dir, 'projects'));
    expect(new Set(ids).size).toBe(150);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]{10}$/);
  });
});
