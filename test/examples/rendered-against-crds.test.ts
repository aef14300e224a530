import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderSource } from '../../src/core/load/folder-source.js';
import { loadRepository } from '../../src/core/load/load-repository.js';
import { renderDesiredState } from '../../src/core/render/render-desired-state.js';
import { checkAgainstSchema, decodeAgainstSchema } from '../../src/emulator/schema-check.js';
import type { KubeObject } from '../../src/emulator/kube-object.js';
import { defaultCluster, withGoZeroValues } from '../../src/sandbox/kkp-admission.js';
import { kkpCrd } from '../../src/sandbox/kkp-crds.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const planFixtures = join(repoRoot, 'test', 'fixtures', 'plan');
const repositories = [
  { name: 'examples/', folder: join(repoRoot, 'examples') },
  ...readdirSync(planFixtures, { withFileTypes: true }).filter((e) => e.isDirectory()).map(({ name }) => ({ name: `test/fixtures/plan/${name}`, folder: join(planFixtures, name, 'repo') })),
];

type Schema = Record<string, unknown>;

describe("rendered objects against KKP's CRDs", () => {
  it.each(repositories)('$name renders only objects a real apiserver keeps whole and accepts', async ({ folder }) => {
    const repo = await loadRepository(folderSource(folder));
    const desired = renderDesiredState(repo, { repository: repo.config.repository ?? 'test' });
    let checked = 0;
    for (const target of desired.targets) {
      for (const { manifest, source } of target.objects) {
        const crd = kkpCrd(manifest.kind, repo.config.kkpVersion);
        if (!crd) throw new Error(`${source}: no KKP CRD for ${manifest.kind}`);
        const version = ((crd['spec'] as Schema)['versions'] as Schema[])[0] as Schema;
        const schema = (version['schema'] as Schema)['openAPIV3Schema'] as Schema;
        // What the apiserver checks: the object after KKP's mutating webhook (for a Cluster, its defaulting and Go round-trip).
        const defaulted = manifest.kind === 'Cluster' ? defaultCluster(structuredClone(manifest) as Parameters<typeof defaultCluster>[0], undefined) : manifest;
        const admitted =
          manifest.kind === 'Cluster' ? { ...defaulted, spec: withGoZeroValues(defaulted['spec'], (schema['properties'] as Schema)['spec']) } : manifest;
        const decoded = decodeAgainstSchema(admitted as KubeObject, schema);
        expect(decoded.unknownFields, `${source}: fields a real apiserver would prune`).toEqual([]);
        const check = checkAgainstSchema(decoded.value, schema);
        expect(check.errors, `${source}: schema errors ${JSON.stringify(check.errors)}`).toEqual([]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});
