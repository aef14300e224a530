import { describe, expect, it } from 'vitest';
import { matchGlob, normalizePattern } from '../../src/core/load/match-glob.js';

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
  ['(x)+[y]', '(x)+[y]', true],
  ['./dc/*.yaml', 'dc/x.yaml', true],
  ['**', 'anything/at/all', true],
];

describe('matchGlob', () => {
  it.each(CASES)('matches %s against %s: %s', (pattern, path, expected) => {
    expect(matchGlob(pattern, path)).toBe(expected);
  });

  it('normalizes patterns written with ./, leading or trailing slashes', () => {
    expect([normalizePattern('./a/'), normalizePattern('.'), normalizePattern('/x/y')]).toEqual(['a', '', 'x/y']);
  });
});
