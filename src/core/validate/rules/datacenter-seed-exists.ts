import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';
import { nameHint } from '../../suggest.js';

const id = 'datacenter/seed-exists';

export const datacenterSeedExists: Rule = {
  id,
  description: "A Datacenter document's spec.seed names a Seed of the repository.",
  check({ head }) {
    const seedNames = [...head.seeds.keys()];
    return head.datacenters.flatMap((entry) => {
      if (entry.origin !== 'datacenter' || head.seeds.has(entry.seed)) return [];
      if (entry.seed === '') {
        return [diagnosticAt(entry.source, '/spec/seed', { rule: id, message: `datacenter "${entry.name}" names no seed`, hint: 'Set spec.seed to the name of the Seed that serves this datacenter.' })];
      }
      return [
        diagnosticAt(entry.source, '/spec/seed', {
          rule: id,
          message: `seed "${entry.seed}" of datacenter "${entry.name}" does not exist`,
          hint: `${nameHint(entry.seed, seedNames, 'seeds')} Every datacenter belongs to a Seed defined in the repository.`,
        }),
      ];
    });
  },
};
