import { describe, expect, it } from 'vitest';
import { createLruMap } from '../../src/core/lru-map.js';

describe('the LRU map', () => {
  it('drops the least recently used entry when full, counting reads as uses', () => {
    const map = createLruMap<number>(2);
    map.set('a', 1);
    map.set('b', 2);
    expect(map.get('a')).toBe(1);
    map.set('c', 3);
    expect(map.get('b')).toBeUndefined();
    expect([map.get('a'), map.get('c'), map.size]).toEqual([1, 3, 2]);
  });

  it('deletes a key only while it still holds the given value', () => {
    const map = createLruMap<string>(4);
    map.set('k', 'new');
    map.delete('k', 'old');
    expect(map.get('k')).toBe('new');
    map.delete('k', 'new');
    expect(map.get('k')).toBeUndefined();
  });

  it('keeps nothing with a limit of zero', () => {
    const map = createLruMap<number>(0);
    map.set('a', 1);
    expect(map.size).toBe(0);
  });
});
