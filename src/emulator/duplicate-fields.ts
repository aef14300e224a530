/**
 * Fields a JSON body names twice in one object (`{"spec":{"size":1,"size":2}}` → `spec.size`), for the
 * apiserver's `fieldValidation` (Strict refuses `duplicate field "spec.size"`, Warn warns; the last value wins as
 * in JSON.parse). One pass over the text; paths as the apiserver writes them (`spec.list[0].name`).
 */
interface Frame {
  readonly kind: 'object' | 'array';
  readonly path: string;
  readonly keys: Set<string>;
  index: number;
  key?: string;
}

function childPath(frame: Frame | undefined): string {
  if (!frame) return '';
  if (frame.kind === 'array') return `${frame.path}[${frame.index}]`;
  return frame.path ? `${frame.path}.${frame.key ?? ''}` : (frame.key ?? '');
}

export function duplicateFields(text: string): string[] {
  // Fast path: no object can repeat a key without at least two keys somewhere.
  if (text.indexOf(',') < 0) return [];
  const duplicates: string[] = [];
  const stack: Frame[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (expectKey && top?.kind === 'object') {
        let key: string;
        try {
          key = JSON.parse(text.slice(i, j + 1)) as string;
        } catch {
          return duplicates;
        }
        if (top.keys.has(key)) duplicates.push(top.path ? `${top.path}.${key}` : key);
        top.keys.add(key);
        top.key = key;
        expectKey = false;
      }
      i = j;
    } else if (c === '{' || c === '[') {
      const parent = stack[stack.length - 1];
      stack.push({ kind: c === '{' ? 'object' : 'array', path: childPath(parent), keys: new Set(), index: 0 });
      expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top?.kind === 'array') top.index++;
      else expectKey = true;
    }
  }
  return duplicates;
}
