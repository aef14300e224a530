/** Fields a JSON body names twice, with the paths the apiserver reports them under. */
import { describe, expect, it } from 'vitest';
import { duplicateFields } from '../../src/emulator/duplicate-fields.js';

describe('duplicateFields', () => {
  it('finds a key repeated in the same object at any depth, inside lists too', () => {
    expect(duplicateFields('{"a":1,"spec":{"size":1,"x":[{"n":1,"n":2},{"n":"a,\\"b"}],"size":2},"a":3}')).toEqual(['spec.x[0].n', 'spec.size', 'a']);
  });

  it('ignores the same key in sibling objects, and keys spelled inside string values', () => {
    expect(duplicateFields('{"metadata":{"name":"x"},"spec":{"a":{"name":"y"},"b":{"name":"z"},"note":"\\"name\\":1,\\"name\\":2"}}')).toEqual([]);
  });
});
