import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isKkpRelease } from '../../src/core/kkp-release.js';
import { validateDocumentSchema } from '../../src/core/validate/schema/validate-document-schema.js';
import { sourceDocumentsFromYaml } from './source-documents-from-yaml.js';

const root = join(import.meta.dirname, '..', 'fixtures', 'kkp-documents');
const cases = readdirSync(root, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .flatMap((release) => readdirSync(join(root, release.name)).map((file) => ({ release: release.name, file })));

describe("KKP's own documents", () => {
  it('cover every release', () => {
    expect(new Set(cases.map((c) => c.release))).toEqual(new Set(['v2.29', 'v2.30', 'v2.31']));
  });

  it.each(cases)('$release/$file validates with no diagnostic', ({ release, file }) => {
    if (!isKkpRelease(release)) throw new Error(`not a release: ${release}`);
    const documents = sourceDocumentsFromYaml(file, readFileSync(join(root, release, file), 'utf8'));
    expect(documents.length).toBeGreaterThan(0);
    for (const document of documents) {
      expect(document.kind).toMatch(/^(Seed|KubermaticConfiguration|Cluster|Project|User)$/);
      expect(validateDocumentSchema(document, release)).toEqual([]);
    }
  });
});
