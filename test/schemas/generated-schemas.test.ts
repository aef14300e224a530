import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultReleasesDir, generateSchemas, RELEASES_MODULE, toJsonSchema } from '../../scripts/generate-schemas.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const releasesDir = await defaultReleasesDir();

describe('generated schemas', () => {
  let outDir = '';
  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  // KKP's released files are not part of the product: without them (a fresh clone) the committed output stands.
  it.skipIf(releasesDir === undefined)('schemas/kkp and src/generated/kkp match what KKP\'s released CRDs generate (run `npm run generate-schemas` if not)', async () => {
    outDir = await mkdtemp(join(tmpdir(), 'kkp-gitops-schemas-'));
    const files = await generateSchemas({ ...(releasesDir ? { releasesDir } : {}), outDir, moduleDir: outDir });
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect(await readFile(join(repoRoot, 'schemas', file), 'utf8'), `schemas/${file} is stale`).toBe(await readFile(join(outDir, file), 'utf8'));
    }
    expect(await readFile(join(repoRoot, 'src', 'generated', 'kkp', RELEASES_MODULE), 'utf8'), `src/generated/kkp/${RELEASES_MODULE} is stale`).toBe(
      await readFile(join(outDir, RELEASES_MODULE), 'utf8'),
    );
  }, 60_000);

  it('turns a CRD schema into a JSON Schema with the apiserver\'s pruning, null and default semantics', () => {
    const crd = {
      type: 'object',
      required: ['name', 'size'],
      properties: {
        name: { type: 'string', pattern: '^[a-z]+$' },
        size: { type: 'integer', default: 1 },
        mode: { type: 'string', enum: ['a', 'b'] },
        quantity: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }], pattern: '^[0-9]+m?$' },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        closed: { type: 'object' },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        count: { type: 'integer', minimum: 0, exclusiveMinimum: true, format: 'int32' },
        note: { type: 'string', nullable: true, description: 'dropped' },
      },
    };
    expect(toJsonSchema(crd)).toEqual({
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        closed: { type: ['object', 'null'], additionalProperties: false },
        count: { type: ['integer', 'null'], exclusiveMinimum: 0 },
        free: { type: ['object', 'null'] },
        labels: { type: ['object', 'null'], additionalProperties: { type: 'string' } },
        mode: { type: ['string', 'null'], enum: ['a', 'b', null] },
        name: { type: 'string', pattern: '^[a-z]+$' },
        note: { type: ['string', 'null'] },
        quantity: { anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^[0-9]+m?$' }, { type: 'null' }] },
        size: { type: ['integer', 'null'], default: 1 },
      },
    });
  });
});
