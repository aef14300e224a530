/** JSON pointers (RFC 6901) for pointing diagnostics and datacenter entries at a node of a document. */

/** Escapes one reference token (`~` → `~0`, `/` → `~1`). */
export function escapePointerToken(token: string | number): string {
  return String(token).replaceAll('~', '~0').replaceAll('/', '~1');
}

/** `pointerOf('spec', 'datacenters', 'aws/eu')` → `/spec/datacenters/aws~1eu`; no tokens → `` (the whole document). */
export function pointerOf(...tokens: readonly (string | number)[]): string {
  return tokens.map((t) => `/${escapePointerToken(t)}`).join('');
}

/** Extends a pointer by more tokens. */
export function childPointer(pointer: string, ...tokens: readonly (string | number)[]): string {
  return pointer + pointerOf(...tokens);
}
