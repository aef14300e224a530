import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoadedRepository } from '../../src/core/load/loaded-repository.js';
import type { SourceDocument } from '../../src/core/load/source-document.js';
import { folderSource } from '../../src/core/load/folder-source.js';
import { loadRepository } from '../../src/core/load/load-repository.js';
import { buildRuleContext } from '../../src/core/validate/build-rule-context.js';
import { RULES } from '../../src/core/validate/rules/index.js';
import { RULE_FAILED, runRules } from '../../src/core/validate/run-rules.js';
import { validateRepository } from '../../src/core/validate/validate-repository.js';
import type { Rule } from '../../src/core/validate/rule.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/rules');
const load = (name: string) => loadRepository(folderSource(join(FIXTURES, name)));

describe('validateRepository', () => {
  it('finds nothing wrong in a valid repository', async () => {
    expect(validateRepository(await load('valid-repository'))).toEqual([]);
  });

  it('reports loader, schema and rule diagnostics together, sorted by file and position', async () => {
    const repo = await load('cluster-cidr-family-fail');
    const loadProblem = { file: 'a-broken.yaml', line: 1, column: 1, endLine: 1, endColumn: 2, pointer: '', rule: 'load/yaml-syntax', severity: 'error' as const, message: 'bad' };
    const diagnostics = validateRepository({ ...repo, diagnostics: [loadProblem] });
    expect(diagnostics[0]).toEqual(loadProblem);
    expect(diagnostics.map((d) => `${d.file}:${d.line} ${d.rule}`)).toEqual([
      'a-broken.yaml:1 load/yaml-syntax',
      'clusters/shop-prod.yaml:19 cluster/cidr-family',
      'clusters/shop-prod.yaml:20 cluster/cidr-family',
      'clusters/shop-prod.yaml:23 cluster/cidr-family',
    ]);
  });

  it('keeps the schema diagnostic when a rule reports the same node again', async () => {
    // A rule that does not supersede the schema, reporting the node the schema reports (an enum error): one stays.
    const repo = await load('valid-repository');
    const cluster = repo.documents.find((d) => d.kind === 'Cluster') as SourceDocument;
    const broken = { ...cluster, value: { ...(cluster.value as object), spec: { ...((cluster.value as { spec: object }).spec), exposeStrategy: 'Nodeport' } } };
    const echo: Rule = {
      id: 'test/echo',
      description: 'reports the exposeStrategy node',
      check: () => [{ file: cluster.file, line: 1, column: 1, endLine: 1, endColumn: 2, pointer: '/spec/exposeStrategy', rule: 'test/echo', severity: 'error', message: 'again' }],
    };
    const diagnostics = validateRepository({ ...repo, documents: repo.documents.map((d) => (d === cluster ? broken : d)) }, { rules: [echo] });
    expect(diagnostics.filter((d) => d.pointer === '/spec/exposeStrategy').map((d) => d.rule)).toEqual(['schema/enum']);
  });

  it("keeps a superseding rule's diagnostic instead of the schema's on the same node", async () => {
    const diagnostics = validateRepository(await load('credentials-inline-fail'));
    const atNode = diagnostics.filter((d) => d.pointer === '/spec/cloud/aws/secretAccessKey');
    expect(atNode.map((d) => d.rule)).toEqual(['credentials/inline']);
  });

  it('warns, and only warns, about a UserProjectBinding for a user not declared in Git (KKP accepts it)', async () => {
    const diagnostics = validateRepository(await load('binding-user-exists-fail'));
    const binding = diagnostics.filter((d) => d.rule === 'binding/user-exists');
    expect(binding.length).toBeGreaterThan(0);
    expect(binding.every((d) => d.severity === 'warning')).toBe(true);
  });

  it('checks changes only when a base is given', async () => {
    const folder = join(FIXTURES, 'change-datacenter-removed-fail');
    const head = await loadRepository(folderSource(join(folder, 'head')));
    const base = await loadRepository(folderSource(join(folder, 'base')));
    expect(validateRepository(head, { base }).map((d) => d.rule)).toEqual(['change/datacenter-removed']);
    expect(validateRepository(head).map((d) => d.rule)).toEqual(['cluster/datacenter-exists']);
  });

  it('turns a failing rule into one diagnostic and still runs the others', async () => {
    const broken: Rule = {
      id: 'test/broken',
      description: 'always throws, to prove validation never does',
      check() {
        throw new Error('boom');
      },
    };
    const diagnostics = validateRepository(await load('cluster-datacenter-exists-fail'), { rules: [broken, ...RULES] });
    expect(diagnostics.map((d) => d.rule)).toEqual([RULE_FAILED, 'cluster/datacenter-exists']);
    expect(diagnostics[0]?.message).toBe('rule test/broken failed: boom');
  });
});

/** Every path into a plain value (`['spec', 'cloud', 'dc']`), the value itself included as `[]`. */
function pathsOf(value: unknown, prefix: string[] = []): string[][] {
  const out = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...prefix, String(i)])));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
  return out;
}

function replaced(value: unknown, path: readonly string[], replacement: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return replacement;
  if (Array.isArray(value)) return value.map((v, i) => (String(i) === head ? replaced(v, rest, replacement) : v));
  if (typeof value === 'object' && value !== null) return { ...value, [head]: replaced((value as Record<string, unknown>)[head], rest, replacement) };
  return value;
}

function withDocument(repo: LoadedRepository, target: SourceDocument, value: unknown): LoadedRepository {
  const mutated = { ...target, value: value as SourceDocument['value'], locate: target.locate };
  return { ...repo, documents: repo.documents.map((d) => (d === target ? mutated : d)) };
}

describe('robustness', () => {
  const BAD_VALUES: unknown[] = [null, 42, 'text', true, [], {}, [null, 7, 'x', { a: [] }], { cidrBlocks: 'x', aws: 1, '': null }];

  it('never lets a rule fail, whatever shape any node of any document has', async () => {
    const folder = join(FIXTURES, 'valid-change');
    const head = await loadRepository(folderSource(join(folder, 'head')));
    const base = await loadRepository(folderSource(join(folder, 'base')));
    let runs = 0;
    for (const doc of head.documents) {
      for (const path of pathsOf(doc.value)) {
        for (const bad of BAD_VALUES) {
          const mutated = withDocument(head, doc, replaced(doc.value, path, bad));
          const failures = runRules(buildRuleContext(mutated, base), RULES)
            .flat()
            .filter((d) => d.rule === RULE_FAILED);
          expect(failures, `${doc.file} ${path.join('.')} = ${JSON.stringify(bad)}`).toEqual([]);
          // The base may be just as broken: change rules read it too.
          const asBase = runRules(buildRuleContext(head, withDocument(base, base.documents.find((d) => d.file === doc.file) ?? doc, replaced(doc.value, path, bad))), RULES)
            .flat()
            .filter((d) => d.rule === RULE_FAILED);
          expect(asBase).toEqual([]);
          runs++;
        }
      }
    }
    expect(runs).toBeGreaterThan(1000);
  });

  it('validates documents of any top-level shape without throwing', async () => {
    const repo = await load('valid-repository');
    for (const bad of BAD_VALUES) {
      const broken = repo.documents.reduce((r, doc) => withDocument(r, doc, bad), repo);
      expect(() => validateRepository(broken, { base: broken })).not.toThrow();
    }
  });
});
