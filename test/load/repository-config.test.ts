import { describe, expect, it } from 'vitest';
import { DEFAULT_REPOSITORY_CONFIG } from '../../src/core/config/repository-config.js';
import { parseRepositoryConfig } from '../../src/core/config/parse-repository-config.js';
import { folderSource } from '../../src/core/load/folder-source.js';
import { loadRepository } from '../../src/core/load/load-repository.js';
import { writeRepo } from './helpers.js';

async function configOf(text: string, files: Record<string, string> = {}) {
  const repository = await loadRepository(folderSource(writeRepo({ 'kkp-gitops.yaml': text, ...files })));
  return { config: repository.config, diagnostics: repository.diagnostics.map((d) => [d.rule, d.line, d.pointer]) };
}

const HEAD = 'apiVersion: gitops.kkp.dev/v1alpha1\nkind: Config\n';

describe('repository config', () => {
  it('uses the defaults when there is no kkp-gitops.yaml', async () => {
    const repository = await loadRepository(folderSource(writeRepo({ 'a.txt': 'x' })));
    expect(repository.config).toEqual(DEFAULT_REPOSITORY_CONFIG);
    expect(DEFAULT_REPOSITORY_CONFIG).toEqual({
      paths: ['.'],
      exclude: [],
      edition: 'enterprise',
      kkpVersion: 'v2.31',
      policy: { allowDeletions: false, selfHeal: false, massDeletion: { maxShare: 0.5 } },
      rollout: { wait: true, timeoutSeconds: 600, haltOnFailure: true, waves: [] },
      limits: { maxDocumentBytes: 1_048_576, maxAliases: 100, maxFileBytes: 4_194_304, maxFiles: 20_000, maxTotalBytes: 268_435_456, maxDocumentsPerFile: 1_000, maxDepth: 64 },
    });
    expect(parseRepositoryConfig(undefined).diagnostics).toEqual([]);
  });

  it('reads spec.rollout with waves as glob lists or with change windows, and reports a timeout out of range on its line', async () => {
    const good = await configOf(`${HEAD}spec:\n  rollout:\n    timeoutSeconds: 120\n    waves:\n      - [seed-canary]\n      - seeds: ["seed-eu*"]\n        windows: [{days: [Mon-Fri], from: "08:00", to: "17:00", timezone: Europe/Berlin}]\n`);
    expect(good.diagnostics).toEqual([]);
    expect(good.config.rollout).toEqual({
      wait: true,
      timeoutSeconds: 120,
      haltOnFailure: true,
      waves: [
        { seeds: ['seed-canary'], windows: [] },
        { seeds: ['seed-eu*'], windows: [{ days: ['Mon-Fri'], from: '08:00', to: '17:00', timezone: 'Europe/Berlin' }] },
      ],
    });
    const bad = await configOf(`${HEAD}spec:\n  rollout:\n    haltOnFailure: false\n    timeoutSeconds: 0\n`);
    expect(bad.diagnostics.map(([rule, line]) => [rule, line])).toEqual([['config/invalid-value', 6]]);
    expect(bad.config.rollout).toMatchObject({ haltOnFailure: false, timeoutSeconds: 600 });
  });

  it('reads every field and fills the ones left out', async () => {
    const { config, diagnostics } = await configOf(`${HEAD}spec:\n  paths: [kkp]\n  edition: community\n  kkpVersion: v2.29\n  repository: acme/kkp-config\n  policy: {selfHeal: true}\n  limits:\n    maxAliases: 5\n`, { 'kkp/README.md': 'x' });
    expect(diagnostics).toEqual([]);
    expect(config).toEqual({
      paths: ['kkp'],
      exclude: [],
      edition: 'community',
      kkpVersion: 'v2.29',
      repository: 'acme/kkp-config',
      policy: { allowDeletions: false, selfHeal: true, massDeletion: { maxShare: 0.5 } },
      rollout: DEFAULT_REPOSITORY_CONFIG.rollout,
      limits: { ...DEFAULT_REPOSITORY_CONFIG.limits, maxAliases: 5 },
    });
  });

  it('reads the mass-deletion share from policy.massDeletion.maxShare, and refuses one outside 0..1 for the default', async () => {
    const set = await configOf(`${HEAD}spec:\n  policy:\n    allowDeletions: true\n    massDeletion: {maxShare: 0.9}\n`, {});
    expect(set.diagnostics).toEqual([]);
    expect(set.config.policy).toEqual({ allowDeletions: true, selfHeal: false, massDeletion: { maxShare: 0.9 } });
    const wrong = await configOf(`${HEAD}spec:\n  policy:\n    massDeletion:\n      maxShare: 2\n`, {});
    expect(wrong.diagnostics).toEqual([['config/invalid-value', 6, '/spec/policy/massDeletion/maxShare']]);
    expect(wrong.config.policy.massDeletion).toEqual({ maxShare: 0.5 });
  });

  it('makes a paths entry that matches no file an error, as it would turn every object into a deletion', async () => {
    const { diagnostics } = await configOf(`${HEAD}spec:\n  paths: [kkp, nonexistent/]\n`, { 'kkp/notes.txt': 'x' });
    expect(diagnostics).toEqual([['config/paths-match-nothing', 1, '/spec/paths/1']]);
  });

  it('reports bad values on their own line and falls back to the default for each', async () => {
    const { config, diagnostics } = await configOf(
      `${HEAD}spec:\n  paths: [ok, ../outside]\n  edition: premium\n  kkpVersion: v2.28\n  policy:\n    allowDeletions: "yes"\n  limits:\n    maxDocumentBytes: 10\n    maxAliases: 7\n`,
    );
    expect(diagnostics).toEqual([
      ['config/invalid-value', 4, '/spec/paths/1'],
      ['config/invalid-value', 6, '/spec/kkpVersion'],
      ['config/invalid-value', 5, '/spec/edition'],
      ['config/wrong-type', 8, '/spec/policy/allowDeletions'],
      ['config/invalid-value', 10, '/spec/limits/maxDocumentBytes'],
    ]);
    expect(config).toEqual({ ...DEFAULT_REPOSITORY_CONFIG, limits: { ...DEFAULT_REPOSITORY_CONFIG.limits, maxAliases: 7 } });
  });

  it('reports an unknown field with a did-you-mean hint', async () => {
    const repository = await loadRepository(folderSource(writeRepo({ 'kkp-gitops.yaml': `${HEAD}spec:\n  excludes: [x]\n` })));
    expect(repository.diagnostics).toMatchObject([{ rule: 'config/unknown-field', line: 4, pointer: '/spec/excludes', hint: 'Did you mean "exclude"?' }]);
  });

  it('reports a config of the wrong kind, or one that is not a mapping, and uses the defaults', async () => {
    expect((await configOf('apiVersion: gitops.kkp.dev/v1alpha1\nkind: Settings\nspec:\n  edition: community\n')).diagnostics).toEqual([['config/invalid-value', 2, '/kind']]);
    const list = await configOf('- a\n- b\n');
    expect(list).toEqual({ config: DEFAULT_REPOSITORY_CONFIG, diagnostics: [['config/not-a-mapping', 1, '']] });
  });

  it('reports YAML errors in the config file and still loads with the defaults', async () => {
    const { config, diagnostics } = await configOf(`${HEAD}spec:\n  edition: community\n  edition: enterprise\n`);
    expect(diagnostics).toEqual([['load/duplicate-key', 5, '']]);
    expect(config).toEqual(DEFAULT_REPOSITORY_CONFIG);
  });
});
