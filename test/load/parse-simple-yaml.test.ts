import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseSimpleYaml, resolvePlain } from '../../src/core/load/parse-simple-yaml.js';

/** What the full `yaml` parser gives, or undefined when it reports errors. */
function reference(text: string): unknown[] | undefined {
  const documents = parseAllDocuments(text, { uniqueKeys: true });
  if (documents.some((d) => d.errors.length > 0)) return undefined;
  return documents.map((d) => d.toJS({ maxAliasCount: 100 }));
}

/** Texts the fast parser must accept, with the same result as `yaml`. */
const ACCEPTED: readonly string[] = [
  'a: 1\n',
  '',
  '# only a comment\n',
  '---\n',
  '---\n---\na: 1\n',
  'a: 1\n---\n',
  '# prelude\n---\na: 1',
  'a: 1\n---\nb: 2\n---\n- x\n',
  '--- # comment\na: 1\n',
  'apiVersion: kubermatic.k8c.io/v1\nkind: Cluster\nmetadata:\n  name: prod-1\n  labels:\n    project-id: abc\nspec:\n  cloud:\n    dc: aws-eu\n',
  'a:\n- 1\n- 2\nb: 3\n',
  'a:\n  - 1\n  -   two\n  -\n  - x: 1\n    y: 2\n  - - n1\n    - n2\n',
  '- a: 1\n  b:\n    c: d\n- e\n',
  'list:\n- name: x\n  items:\n  - 1\n  - 2\n- name: y\n',
  'a: [1, two, "three", \'four\', 5.5, true, null, ~]\nb: []\nc: {}\nd: [ ]\ne: [a,]\n',
  'a: 9007199254740993\nb: 0o17\nc: 0x1F\nd: 1.50\ne: .5\nf: 1e3\ng: +12\nh: -0\ni: .inf\nj: -.Inf\nk: .NaN\nl: 0x\nm: 1.2.3\nn: 0o8\n',
  'a: true\nb: False\nc: TRUE\nd: yes\ne: no\nf: on\ng: Null\nh: NULL\ni: nULL\nj: ~\nk:\nl: tRUE\n',
  'a: "double \\"quoted\\" \\\\ \\n \\t \\u00e9 \\/"\nb: \'single \'\'quoted\'\'\'\nc: "" \nd: \'\'\n',
  'url: http://example.com:8080/path\nnoColon: a:b\nhash: a#b\nspaced: a b  c   \ncomment: value # trailing\n',
  '"quoted key": 1\n\'single key\': 2\n"k" : 3\n',
  'a: b, c\nd: x]y\ne: -1\nf: -x\ng: :x\nh: ?x\n',
  '  indented: 1\n  map: 2\n',
  'plain scalar document\n',
  '"quoted document"\n',
  '- 1\n- 2\n',
  'a:\n    deep: 1\nb:\n value\n',
  'key: value\n\n\n# comment\n\n  # indented comment\nother: 2\n',
  'cidrBlocks: [10.240.16.0/20, "fd00::/104"]\n',
  'k: "ünïcödé 🚀"\nü: x\n',
  'noProxy: [localhost, 127.0.0.1, .svc, .cluster.local]\n',
  'a: 1 # c\nb: # c\n  c: 2\n',
  'x:\n-\n  a: 1\n',
];

/** Texts outside the subset: the fast parser must step aside (and leave them to `yaml`). */
const DECLINED: readonly string[] = [
  'a: &x 1\nb: *x\n',
  'a: !!str 1\n',
  'a: |\n  text\n',
  'a: >-\n  text\n',
  'a: multi\n  line\n',
  'a: "multi\n  line"\n',
  'a:\n\tb: 1\n',
  'a: 1\r\nb: 2\r\n',
  'a: 1\na: 2\n',
  '? complex\n: key\n',
  '%YAML 1.2\n---\na: 1\n',
  'a: 1\n...\n',
  '--- a\n',
  '1: numeric key\n',
  'true: boolean key\n',
  '<<: {a: 1}\n',
  'a: {b: 1}\n',
  'a: [[1]]\n',
  'a: [1,\n  2]\n',
  'a: b: c\n',
  'a: - b\n',
  'a:\n  b: 1\n c: 2\n',
  '- a\nb: 1\n',
  'a: "\\x41"\n',
  'a: 1\n  b: 2\n',
  '__proto__: 1\n',
  '[a]: b\n',
  '- {a: 1}\n',
];

describe('parseSimpleYaml', () => {
  it.each(ACCEPTED)('reads %j exactly as the yaml package does', (text) => {
    const fast = parseSimpleYaml(text);
    expect(fast).toBeDefined();
    expect(fast?.map((d) => d.value)).toEqual(reference(text));
  });

  it.each(DECLINED)('leaves %j to the yaml package', (text) => {
    expect(parseSimpleYaml(text)).toBeUndefined();
  });

  it('reports where each document starts and ends', () => {
    const text = '# head\na: 1\n---\n\nb: 2\n---\n';
    const documents = parseSimpleYaml(text);
    expect(documents?.map((d) => [d.start, d.end, d.line])).toEqual([
      [0, 12, 2],
      [12, 22, 5],
      [22, 26, 6],
    ]);
  });

  it('agrees with the yaml package on every line of a generated mix of constructs', () => {
    // Every combination of a few value shapes under a few parents; any disagreement would be a silent data bug.
    const values = ['1', '"s"', "'t'", '[a, 2]', '[]', '{}', '', 'x # c', '-3.5e2', 'null', 'a:b', 'True'];
    let accepted = 0;
    for (const value of values) {
      for (const shape of [`k: ${value}\n`, `- ${value}\n`, `p:\n  k: ${value}\n`, `p:\n- ${value}\n`, `- k: ${value}\n  j: 1\n`]) {
        const fast = parseSimpleYaml(shape);
        if (fast === undefined) continue;
        accepted += 1;
        expect(fast.map((d) => d.value), shape).toEqual(reference(shape));
      }
    }
    expect(accepted).toBe(values.length * 5);
  });
});

describe('resolvePlain', () => {
  it('resolves core schema scalars and leaves YAML 1.1 words as strings', () => {
    expect([resolvePlain('0o10'), resolvePlain('0x10'), resolvePlain('1.0'), resolvePlain('yes'), resolvePlain('~')]).toEqual([8, 16, 1, 'yes', null]);
  });
});
