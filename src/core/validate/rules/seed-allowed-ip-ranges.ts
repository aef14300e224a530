import { pointerOf } from '../../model/json-pointer.js';
import { arrayAt } from '../../model/plain-data.js';
import { parseCidr } from '../cidr.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'seed/allowed-ip-ranges';

export const seedAllowedIpRanges: Rule = {
  id,
  description: "A Seed's spec.defaultAPIServerAllowedIPRanges are valid CIDRs.",
  check({ head }) {
    return head.documentsOf('Seed').flatMap((seed) =>
      (arrayAt(seed.value, 'spec', 'defaultAPIServerAllowedIPRanges') ?? []).flatMap((range, index) => {
        if (typeof range === 'string' && parseCidr(range) !== undefined) return [];
        return [
          diagnosticAt(seed, pointerOf('spec', 'defaultAPIServerAllowedIPRanges', index), {
            rule: id,
            message: `default API server allowed IP range ${JSON.stringify(range)} of seed "${seed.name}" is not a valid CIDR`,
            hint: 'Write an address and a prefix length, e.g. 203.0.113.0/24 or 2001:db8::/32.',
          }),
        ];
      }),
    );
  },
};
