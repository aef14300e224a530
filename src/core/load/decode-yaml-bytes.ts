/** The text of a YAML file, or why there is none: binary content (NUL bytes) or bytes that are not UTF-8. */
export type DecodedYaml =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly problem: 'binary' | 'encoding'; readonly line: number; readonly column: number };

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Decodes strict UTF-8 (a leading byte-order mark is dropped). Positions of problems are 1-based, columns in bytes. */
export function decodeYamlBytes(bytes: Uint8Array): DecodedYaml {
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { ok: false, problem: 'binary', ...positionOf(bytes, nul) };
  try {
    return { ok: true, text: decoder.decode(bytes) };
  } catch {
    return { ok: false, problem: 'encoding', ...positionOf(bytes, firstInvalidUtf8(bytes)) };
  }
}

function positionOf(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i += 1) {
    if (bytes[i] === 0x0a) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    let length: number;
    let min = 0x80;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) length = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      if (b === 0xe0) min = 0xa0;
      if (b === 0xed) max = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      if (b === 0xf0) min = 0x90;
      if (b === 0xf4) max = 0x8f;
    } else return i;
    for (let k = 1; k < length; k += 1) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? min : 0x80) || c > (k === 1 ? max : 0xbf)) return i;
    }
    i += length;
  }
  return bytes.length;
}
