import type { Diagnostic } from '../../diagnostic.js';
import type { DatacenterEntry } from '../../model/collect-datacenters.js';
import { diagnosticAt, placeOf } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'datacenter/unique-name';

/** Where a datacenter's name is written: `metadata.name` of its Datacenter document, or its key in the Seed. */
export function datacenterNamePointer(entry: DatacenterEntry): string {
  return entry.origin === 'datacenter' ? '/metadata/name' : entry.pointer;
}

function describe(entry: DatacenterEntry): string {
  const where = entry.origin === 'datacenter' ? 'a Datacenter document' : `Seed "${entry.seed}"`;
  return `${where} at ${placeOf(entry.source, datacenterNamePointer(entry))}`;
}

export const datacenterUniqueName: Rule = {
  id,
  description: 'Datacenter names are unique across all seeds and Datacenter documents.',
  check({ head }) {
    const byName = new Map<string, DatacenterEntry[]>();
    for (const entry of head.datacenters) {
      const list = byName.get(entry.name);
      if (list) list.push(entry);
      else byName.set(entry.name, [entry]);
    }
    const diagnostics: Diagnostic[] = [];
    for (const [name, entries] of byName) {
      if (entries.length < 2) continue;
      for (const entry of entries) {
        const others = entries.filter((e) => e !== entry).map(describe);
        diagnostics.push(
          diagnosticAt(entry.source, datacenterNamePointer(entry), {
            rule: id,
            message: `datacenter "${name}" is defined ${entries.length} times; also in ${others.join(', ')}`,
            hint: 'Datacenter names must be unique across all seeds: rename one of them or remove the duplicate.',
          }),
        );
      }
    }
    return diagnostics;
  },
};
