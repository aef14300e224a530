/** Did-you-mean hints for names that do not resolve. */

const MAX_CANDIDATES = 5000;

/** The candidate closest to `name` by edit distance, when close enough to be a likely typo. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  let seen = 0;
  for (const candidate of candidates) {
    if (++seen > MAX_CANDIDATES) break;
    if (Math.abs(candidate.length - name.length) >= bestDistance) continue;
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase(), bestDistance);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** A hint naming the closest candidate, else listing a few of them, else saying there are none. */
export function nameHint(name: string, candidates: readonly string[], what: string): string {
  const closest = closestName(name, candidates);
  if (closest !== undefined) return `Did you mean "${closest}"?`;
  if (candidates.length === 0) return `The repository defines no ${what}.`;
  const shown = candidates.slice(0, 8).map((c) => `"${c}"`).join(', ');
  return `Known ${what}: ${shown}${candidates.length > 8 ? `, and ${candidates.length - 8} more` : ''}.`;
}

/** Levenshtein distance, giving up (returning `cap`) once every path is at least `cap`. */
function editDistance(a: string, b: string, cap: number): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin >= cap) return cap;
    previous = current;
  }
  return previous[b.length] ?? cap;
}
