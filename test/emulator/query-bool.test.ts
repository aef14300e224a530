/** Boolean query parameters as the apiserver decodes them (apimachinery's Convert_Slice_string_To_bool). */
import { describe, expect, it } from 'vitest';
import { queryBool } from '../../src/emulator/query-bool.js';

const read = (query: string, name = 'watch') => queryBool(new URLSearchParams(query), name);

describe('queryBool', () => {
  it('reads absence, 0 and false in any case as false', () => {
    expect(['', 'watch=0', 'watch=false', 'watch=False', 'watch=FALSE', 'other=true'].map((q) => read(q))).toEqual([false, false, false, false, false, false]);
  });

  it("reads everything else as true: Go's ParseBool spellings, Python's True, and even an empty value", () => {
    expect(['watch=1', 'watch=t', 'watch=T', 'watch=true', 'watch=True', 'watch=TRUE', 'watch=yes', 'watch='].map((q) => read(q))).toEqual([true, true, true, true, true, true, true, true]);
  });

  it('uses the first value when the parameter is repeated', () => {
    expect(read('force=false&force=true', 'force')).toBe(false);
    expect(read('force=True&force=false', 'force')).toBe(true);
  });
});
