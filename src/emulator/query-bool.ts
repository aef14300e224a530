/**
 * A boolean query parameter as the apiserver decodes one (apimachinery's Convert_Slice_string_To_bool): absent
 * is false; the first value `0` or `false` (any case) is false; anything else, the empty string included, is
 * true. So `True` (Python), `1`, `t`, `yes` all mean true, and no value is ever refused.
 */
export function queryBool(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  if (value === null) return false;
  return !(value === '0' || value.toLowerCase() === 'false');
}
