/**
 * A linear pre-scan of YAML text, before any parser sees it: how many documents it starts and how deeply it
 * nests, so that neither the fast path nor `yaml` (whose recursion ends in "Maximum call stack size exceeded" at
 * about a thousand levels, and whose nodes cost far more than their text) is given a file beyond the limits.
 *
 * The depth is an upper estimate: flow brackets outside quotes and comments, plus block levels (an indentation
 * stack, and `- ` entries that open a sequence on the same line). Quoted scalars spanning lines are followed.
 */
export interface YamlStructure {
  /** `---` document starts, plus one for content before the first. */
  readonly documents: number;
  /** Deepest nesting seen, and the 1-based line where it was first reached. */
  readonly depth: number;
  readonly depthLine: number;
  /** Items of flow collections (`[a, b]`, `{a: 1}`): `yaml` spends about a kilobyte on each. */
  readonly flowItems: number;
  readonly flowItemsLine: number;
}

/**
 * Most flow-collection items in one file. Flow style costs `yaml` about a kilobyte per item (a 1 MiB `[1, 1, …]`
 * takes 400 MiB), block style about 25 bytes per byte of text; with this cap no file within the size limits takes
 * more than a fixed multiple of its size. Hand-written KKP configuration has a handful.
 */
export const MAX_FLOW_ITEMS = 10_000;

export function scanYamlStructure(text: string, stopAt: { readonly depth: number; readonly documents: number; readonly flowItems: number } = { depth: Infinity, documents: Infinity, flowItems: Infinity }): YamlStructure {
  let flowItems = 0;
  let flowItemsLine = 1;
  let documents = 0;
  let contentBeforeMarker = false;
  let depth = 0;
  let depthLine = 1;
  let flow = 0;
  let quote: '"' | "'" | undefined;
  const indents: number[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    // Start of a line.
    let indent = 0;
    while (i + indent < n && text[i + indent] === ' ') indent++;
    const start = i + indent;
    let block = 0;
    if (quote === undefined && flow === 0) {
      if (text.startsWith('---', i) && (i + 3 >= n || /\s/.test(text[i + 3]!))) {
        documents++;
        indents.length = 0;
      } else if (start < n && text[start] !== '\n' && text[start] !== '#' && !(text[start] === '\r' && text[start + 1] === '\n')) {
        if (documents === 0) contentBeforeMarker = true;
        while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
        indents.push(indent);
        block = indents.length;
        // `- - - x`: every dash opens a sequence on this line.
        let j = start;
        while (text[j] === '-' && (text[j + 1] === ' ' || text[j + 1] === '\t')) {
          block++;
          j += 2;
          while (text[j] === ' ' || text[j] === '\t') j++;
        }
      }
    }
    if (documents > stopAt.documents) break;
    let j = start;
    for (; j < n && text[j] !== '\n'; j++) {
      const c = text[j]!;
      if (quote !== undefined) {
        if (c === quote) {
          if (quote === "'" && text[j + 1] === "'") j++;
          else quote = undefined;
        } else if (c === '\\' && quote === '"') j++;
        continue;
      }
      if (c === '"' || c === "'") {
        // A quote opens a scalar only where a scalar can start (not inside a plain word such as don't).
        const before = j === 0 ? ' ' : text[j - 1]!;
        if (/[\s[{,:-]/.test(before)) quote = c;
      } else if (c === '#' && (j === 0 || /\s/.test(text[j - 1]!))) {
        while (j < n && text[j] !== '\n') j++;
        break;
      } else if (c === '[' || c === '{') {
        flow++;
        flowItems++;
      } else if (c === ',' && flow > 0) {
        flowItems++;
      } else if (c === ']' || c === '}') {
        if (flow > 0) flow--;
      }
      const here = block + flow;
      if (here > depth) {
        depth = here;
        depthLine = line;
      }
    }
    if (block > depth) {
      depth = block;
      depthLine = line;
    }
    if (flowItems > stopAt.flowItems && flowItemsLine === 1) flowItemsLine = line;
    if (depth > stopAt.depth || flowItems > stopAt.flowItems) break;
    i = j + 1;
    line++;
  }
  return { documents: documents + (contentBeforeMarker ? 1 : 0), depth, depthLine, flowItems, flowItemsLine };
}
