import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SourceDocument } from '../../src/core/load/source-document.js';
import { folderSource } from '../../src/core/load/folder-source.js';
import { loadRepository } from '../../src/core/load/load-repository.js';
import { schemaValidators } from '../../src/core/validate/schema/schema-validators.js';
import { validateDocumentsSchema } from '../../src/core/validate/schema/validate-document-schema.js';
import { validateRepository } from '../../src/core/validate/validate-repository.js';
import { sourceDocumentsFromYaml } from '../schemas/source-documents-from-yaml.js';

const root = join(import.meta.dirname, '..', '..', 'examples');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? yamlFiles(join(dir, entry.name)) : entry.name.endsWith('.yaml') ? [join(dir, entry.name)] : []))
    .sort();
}

const documents: SourceDocument[] = yamlFiles(root).flatMap((path) => sourceDocumentsFromYaml(relative(root, path), readFileSync(path, 'utf8')));
const ofKind = (kind: string) => documents.filter((d) => d.kind === kind);
const spec = (d: SourceDocument) => d.value.spec as Record<string, unknown>;

describe('examples/', () => {
  it('passes the schemas, every document of it', () => {
    expect(validateDocumentsSchema(documents)).toEqual([]);
  });

  it('has a schema for every kind it uses', () => {
    const kinds = new Set(documents.map((d) => d.kind));
    expect([...kinds].filter((k) => !schemaValidators().kinds.includes(k))).toEqual([]);
  });

  it('loads and validates with no diagnostic and nothing ignored, cross-object rules included', async () => {
    const head = await loadRepository(folderSource(root));
    expect(head.config).toMatchObject({ edition: 'enterprise', repository: 'example/kkp-config' });
    expect(head.ignored).toEqual([]);
    expect(validateRepository(head)).toEqual([]);
    expect(head.documents).toHaveLength(documents.length - 1); // kkp-gitops.yaml becomes the config
  });

  it('has the seeds and datacenters of the large-scale architecture', () => {
    expect(ofKind('Seed').map((d) => d.name).sort()).toEqual(['seed-eu', 'seed-us']);
    const datacenters = new Map<string, string>();
    for (const d of ofKind('Datacenter')) datacenters.set(d.name, String(spec(d).seed));
    for (const seed of ofKind('Seed')) {
      for (const name of Object.keys((spec(seed).datacenters as object | undefined) ?? {})) datacenters.set(name, seed.name);
    }
    expect(Object.fromEntries([...datacenters].sort())).toEqual({
      'aws-eu-central-1': 'seed-eu',
      'aws-eu-west-1': 'seed-eu',
      'aws-us-east-2': 'seed-us',
      'aws-us-west-1': 'seed-us',
      'do-ams1': 'seed-eu',
      'do-lon1': 'seed-eu',
      'do-nyc1': 'seed-us',
      'gcp-us-east1': 'seed-us',
      'gcp-us-west1': 'seed-us',
    });
  });

  it('keeps one object per file under projects/, so a one-cluster change is a one-file pull request', () => {
    const perFile = new Map<string, number>();
    for (const d of documents) if (d.file.startsWith('projects/')) perFile.set(d.file, (perFile.get(d.file) ?? 0) + 1);
    expect([...perFile.values()].every((n) => n === 1)).toBe(true);
    for (const cluster of ofKind('Cluster')) expect(cluster.file).toBe(`projects/${String((cluster.value.metadata as { labels: Record<string, string> }).labels['project-id'])}/clusters/${cluster.name}.yaml`);
  });

  it('uses 10-character project IDs and clusters on AWS, Google Cloud and DigitalOcean in existing projects', () => {
    const projects = ofKind('Project').map((d) => d.name);
    expect(projects.length).toBeGreaterThanOrEqual(2);
    for (const id of projects) expect(id).toMatch(/^[a-z0-9]{10}$/);
    const clusters = ofKind('Cluster');
    const providers = new Set(clusters.map((c) => String((spec(c).cloud as { providerName: string }).providerName)));
    expect([...providers].sort()).toEqual(['aws', 'digitalocean', 'gcp']);
    for (const c of clusters) expect(projects).toContain((c.value.metadata as { labels: Record<string, string> }).labels['project-id']);
  });
});
