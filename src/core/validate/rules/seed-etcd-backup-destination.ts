import { objectAt, stringAt } from '../../model/plain-data.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';
import { nameHint } from '../../suggest.js';

const id = 'seed/etcd-backup-destination';

export const seedEtcdBackupDestination: Rule = {
  id,
  description: "A Seed's etcdBackupRestore has a destination, and its defaultDestination is one of them.",
  check({ head }) {
    return head.documentsOf('Seed').flatMap((seed) => {
      const backup = objectAt(seed.value, 'spec', 'etcdBackupRestore');
      if (!backup) return [];
      const destinations = Object.keys(objectAt(backup, 'destinations') ?? {});
      if (destinations.length === 0) {
        return [
          diagnosticAt(seed, '/spec/etcdBackupRestore', {
            rule: id,
            message: `etcdBackupRestore of seed "${seed.name}" has no destination`,
            hint: 'Add spec.etcdBackupRestore.destinations with at least one destination (bucketName, endpoint, credentials).',
          }),
        ];
      }
      const chosen = stringAt(backup, 'defaultDestination');
      if (chosen === undefined || destinations.includes(chosen)) return [];
      return [
        diagnosticAt(seed, '/spec/etcdBackupRestore/defaultDestination', {
          rule: id,
          message: `defaultDestination "${chosen}" of seed "${seed.name}" is not one of its destinations (${destinations.join(', ')})`,
          hint: nameHint(chosen, destinations, 'destinations'),
        }),
      ];
    });
  },
};
