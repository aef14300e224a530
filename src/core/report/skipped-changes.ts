/**
 * The one line that says which changes were skipped and why, for every place that has room for a line only: the
 * commit status, a deployment status, a check run's title and summary. `2 skipped (deletions not allowed:
 * seed-eu: Cluster/a, seed-eu: Cluster/b)`. The pull request comment lists the same changes one per line.
 * Plain text: escape it (`escapeMarkdown`) where it goes into Markdown.
 */
import type { GatedChange } from '../reconcile/decide-reconcile.js';

export interface SkippedChangesOptions {
  /** Objects named before `+N more`. Default: 3. */
  readonly maxListed?: number;
}

const VERBS = ['delete', 'update', 'adopt'] as const;
type Verb = (typeof VERBS)[number];

/** What a gate key's verb (`gateKeyOf`) was refused as. */
const REFUSED: Record<Verb, string> = { delete: 'deletions not allowed', update: 'datacenter removals not allowed', adopt: 'adoptions not allowed' };

/**
 * `N skipped`, followed by the gated changes among them (`skipped`, from `decideReconcile`), grouped by what was not
 * allowed. `count` is every skipped change; it may be more than the gated ones (a kind not applied, a target not reached).
 */
export function describeSkipped(count: number, skipped: readonly Pick<GatedChange, 'key'>[], options: SkippedChangesOptions = {}): string {
  if (skipped.length === 0) return `${count} skipped`;
  const maxListed = options.maxListed ?? 3;
  const groups = new Map<Verb, string[]>();
  for (const { key } of skipped) {
    const space = key.indexOf(' ');
    const verb = (VERBS as readonly string[]).includes(key.slice(0, space)) ? (key.slice(0, space) as Verb) : 'update';
    groups.set(verb, [...(groups.get(verb) ?? []), key.slice(space + 1)]);
  }
  let room = maxListed;
  const parts: string[] = [];
  for (const verb of VERBS) {
    const objects = groups.get(verb);
    if (!objects) continue;
    const named = objects.slice(0, Math.max(0, room));
    room -= named.length;
    const more = objects.length - named.length;
    parts.push(`${REFUSED[verb]}: ${[...named, ...(more > 0 ? [`+${more} more`] : [])].join(', ')}`);
  }
  return `${Math.max(count, skipped.length)} skipped (${parts.join('; ')})`;
}
