import { describe, expect, it } from 'vitest';
import { createPullRequestHeads } from '../../src/github/plan-pull-request.js';

describe('the newest head of each pull request', () => {
  it('follows the pull request’s updated_at, so a delivery that arrives late does not replace a newer head', () => {
    const heads = createPullRequestHeads();
    expect(heads.note('acme/kkp', 7, 'new', '2026-11-25T10:00:05Z')).toBe(true);
    expect(heads.note('acme/kkp', 7, 'old', '2026-11-25T10:00:01Z')).toBe(false);
    expect(heads.newest('acme/kkp', 7)).toBe('new');
  });

  it('takes the later arrival when the times tie or are unknown', () => {
    const heads = createPullRequestHeads();
    heads.note('acme/kkp', 7, 'first', '2026-11-25T10:00:05Z');
    expect(heads.note('acme/kkp', 7, 'second', '2026-11-25T10:00:05Z')).toBe(true);
    expect(heads.note('acme/kkp', 7, 'third')).toBe(true);
    expect(heads.newest('acme/kkp', 7)).toBe('third');
  });

  it('keeps pull requests and repositories apart', () => {
    const heads = createPullRequestHeads();
    heads.note('acme/kkp', 7, 'a');
    heads.note('acme/kkp', 8, 'b');
    heads.note('acme/other', 7, 'c');
    expect([heads.newest('acme/kkp', 7), heads.newest('acme/kkp', 8), heads.newest('acme/other', 7)]).toEqual(['a', 'b', 'c']);
  });
});
