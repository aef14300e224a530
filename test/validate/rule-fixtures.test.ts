/**
 * Table-driven rule tests: every folder of test/fixtures/rules is a case. Its YAML files are the repository (or
 * `head/` and `base/` for a change), `expected.json` lists the diagnostics every rule together must report
 * (rule id, file, line; `# expect: <rule>` comments in the YAML mark the same lines for readers) and, for passing
 * cases, the rules the case exercises.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRuleContext } from '../../src/core/validate/build-rule-context.js';
import { RULES } from '../../src/core/validate/rules/index.js';
import { runRules } from '../../src/core/validate/run-rules.js';
import { folderSource } from '../../src/core/load/folder-source.js';
import { loadRepository } from '../../src/core/load/load-repository.js';

interface Expected {
  readonly rules: readonly string[];
  readonly diagnostics: readonly { rule: string; file: string; line: number }[];
}

const FIXTURES = join(import.meta.dirname, '../fixtures/rules');
const cases = readdirSync(FIXTURES).sort().map((name) => {
  const folder = join(FIXTURES, name);
  const expected = JSON.parse(readFileSync(join(folder, 'expected.json'), 'utf8')) as Expected;
  const change = existsSync(join(folder, 'base'));
  return { name, folder, expected, change };
});

async function findings(folder: string, change: boolean) {
  const head = await loadRepository(folderSource(change ? join(folder, 'head') : folder));
  const base = change ? await loadRepository(folderSource(join(folder, 'base'))) : undefined;
  expect(head.diagnostics).toEqual([]);
  return runRules(buildRuleContext(head, base), RULES)
    .flat()
    .map((d) => ({ rule: d.rule, file: d.file, line: d.line }))
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule));
}

describe('cross-object rules on fixtures', () => {
  it.each(cases)('reports exactly the expected diagnostics for $name', async ({ folder, change, expected }) => {
    expect(await findings(folder, change)).toEqual(expected.diagnostics);
  });
});

describe('rule coverage', () => {
  it('gives every rule a unique id and a description', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of RULES) expect(rule.description.length).toBeGreaterThan(10);
  });

  it('has a failing fixture for every rule in the registry', () => {
    const failing = new Set(cases.flatMap((c) => c.expected.diagnostics.map((d) => d.rule)));
    expect(RULES.map((r) => r.id).filter((id) => !failing.has(id))).toEqual([]);
  });

  it('has a passing fixture for every rule in the registry', () => {
    const passing = new Set(cases.filter((c) => c.expected.diagnostics.length === 0).flatMap((c) => c.expected.rules));
    expect(RULES.map((r) => r.id).filter((id) => !passing.has(id))).toEqual([]);
  });

  it('names only registered rules in the fixtures', () => {
    const known = new Set(RULES.map((r) => r.id));
    const named = cases.flatMap((c) => [...c.expected.rules, ...c.expected.diagnostics.map((d) => d.rule)]);
    expect(named.filter((id) => !known.has(id))).toEqual([]);
  });
});
