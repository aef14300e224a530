/** JSON pointers as people read them in messages: `/spec/clusterNetwork/pods/cidrBlocks/0` → `spec.clusterNetwork.pods.cidrBlocks[0]`. */

/** The unescaped reference tokens of a pointer (`~1` → `/`, `~0` → `~`). */
export function pointerTokens(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

export function escapeToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** A dotted path for messages; `the document` for the empty pointer. */
export function describePointer(pointer: string): string {
  const tokens = pointerTokens(pointer);
  if (tokens.length === 0) return 'the document';
  let path = '';
  for (const token of tokens) {
    if (/^(0|[1-9]\d*)$/.test(token)) path += `[${token}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(token)) path += path === '' ? token : `.${token}`;
    else path += `[${JSON.stringify(token)}]`;
  }
  return path;
}

/** The value at a pointer of plain data, or undefined. */
export function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const token of pointerTokens(pointer)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}
