import { childPointer } from '../../model/json-pointer.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'change/datacenter-provider';

export const changeDatacenterProvider: Rule = {
  id,
  description: "A datacenter's provider does not change once set.",
  check({ head, base }) {
    if (!base) return [];
    return head.datacenters.flatMap((entry) => {
      if (head.datacentersByName.get(entry.name) !== entry) return []; // duplicates: datacenter/unique-name
      const before = base.datacentersByName.get(entry.name);
      if (!before?.provider || !entry.provider || before.provider === entry.provider) return [];
      return [
        diagnosticAt(entry.source, childPointer(entry.pointer, 'spec', entry.provider), {
          rule: id,
          message: `provider of datacenter "${entry.name}" cannot change (${before.provider} → ${entry.provider})`,
          hint: 'Add a new datacenter for the new provider instead, and remove this one once no cluster uses it.',
        }),
      ];
    });
  },
};
