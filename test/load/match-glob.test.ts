import { describe, expect, it } from 'vitest';
import { hasGlobCharacters, matchGlob, normalizePattern } from '../../src/core/load/match-glob.js';

const CASES: ReadonlyArray<[string, string, boolean]> = [
  ['*.yaml', 'a.yaml', true],
  ['*.yaml', 'x/a.yaml', false],
  ['clusters/*.yaml', 'clusters/a.yaml', true],
  ['clusters/*.yaml', 'clusters/deep/a.yaml', false],
  ['clusters/**', 'clusters/a/b/c.yaml', true],
  ['clusters/**', 'clusters-old/a.yaml', false],
  ['**/seed.yaml', 'seed.yaml', true],
  ['**/seed.yaml', 'x/y/seed.yaml', true],
  ['**/seed.yaml', 'x/yseed.yaml', false],
  ['a/**/b.yaml', 'a/b.yaml', true],
  ['a/**/b.yaml', 'a/x/y/b.yaml', true],
  ['a/**/b.yaml', 'ab.yaml', false],
  ['c?.yml', 'c1.yml', true],
  ['c?.yml', 'c12.yml', false],
  ['c?.yml', 'c/.yml', false],
  ['a.b', 'axb', false],
  ['dc/[ab]*.yaml', 'dc/aws.yaml', true],
  ['dc/[ab]*.yaml', 'dc/gcp.yaml', false],
  ['{dc,datacenters}/*.yaml', 'datacenters/x.yaml', true],
  ['{dc,datacenters}/*.yaml', 'seeds/x.yaml', false],
  ['clusters/*.yaml', 'clusters/.hidden.yaml', true],
  ['./dc/*.yaml', 'dc/x.yaml', true],
  ['**', 'anything/at/all', true],
];

describe('matchGlob', () => {
  it.each(CASES)('matches %s against %s: %s', (pattern, path, expected) => {
    expect(matchGlob(pattern, path)).toBe(expected);
  });

  it('keeps a bounded number of compiled patterns and still answers for every one', () => {
    for (let i = 0; i < 1000; i++) expect(matchGlob(`p${i}/*.yaml`, `p${i}/a.yaml`)).toBe(true);
    expect(matchGlob('p0/*.yaml', 'p1/a.yaml')).toBe(false);
  });

  it('tells globs from literal names', () => {
    expect([hasGlobCharacters('dc/*.yaml'), hasGlobCharacters('{a,b}'), hasGlobCharacters('[ab].yaml'), hasGlobCharacters('clusters/prod')]).toEqual([true, true, true, false]);
  });

  it('normalizes patterns written with ./, leading or trailing slashes', () => {
    expect([normalizePattern('./a/'), normalizePattern('.'), normalizePattern('/x/y')]).toEqual(['a', '', 'x/y']);
  });
});
