import { childPointer } from '../../model/json-pointer.js';
import { PROVIDERS } from '../../model/providers.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'datacenter/one-provider';

export const datacenterOneProvider: Rule = {
  id,
  description: 'Each datacenter defines exactly one provider in its spec.',
  check({ head }) {
    return head.datacenters.flatMap((entry) => {
      const specPointer = childPointer(entry.pointer, 'spec');
      if (entry.providers.length === 0) {
        return [
          diagnosticAt(entry.source, specPointer, {
            rule: id,
            message: `datacenter "${entry.name}" has no provider defined`,
            hint: `Add exactly one provider block to its spec: one of ${PROVIDERS.join(', ')}.`,
          }),
        ];
      }
      if (entry.providers.length > 1) {
        const [first, ...extra] = entry.providers;
        return extra.map((provider) =>
          diagnosticAt(entry.source, childPointer(specPointer, provider), {
            rule: id,
            message: `datacenter "${entry.name}" defines more than one provider (${entry.providers.join(', ')})`,
            hint: `A datacenter has exactly one provider: keep "${first}" or "${provider}" and move the other to a datacenter of its own.`,
          }),
        );
      }
      return [];
    });
  },
};
