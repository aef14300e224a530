import { pointerOf } from '../../model/json-pointer.js';
import { objectAt, stringAt } from '../../model/plain-data.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';
import { nameHint } from '../../suggest.js';

const id = 'seed/etcd-backup-destination';

/** The destination names KKP accepts (its `resourceNameValidator`). */
export const RESOURCE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const seedEtcdBackupDestination: Rule = {
  id,
  description: "A Seed's etcdBackupRestore has a destination, each named as a Kubernetes resource, and its defaultDestination is one of them (KKP: pkg/webhook/seed/validation.go validateEtcdBackupConfiguration).",
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
      const badNames = destinations.filter((name) => !RESOURCE_NAME.test(name));
      if (badNames.length > 0) {
        return badNames.map((name) => {
          const pointer = pointerOf('spec', 'etcdBackupRestore', 'destinations', name);
          const diagnostic = diagnosticAt(seed, pointer, {
            rule: id,
            message: `etcd backup destination name "${name}" of seed "${seed.name}" is invalid: it must be lower-case alphanumerics, '-' and '.' (a DNS subdomain)`,
            hint: 'Rename it, e.g. s3-eu or minio.backups.',
          });
          // At the name itself, not at the destination it names.
          return { ...diagnostic, ...seed.locate(pointer, { key: true }) };
        });
      }
      const chosen = stringAt(backup, 'defaultDestination');
      // KKP accepts an empty defaultDestination (no default).
      if (chosen === undefined || chosen === '' || destinations.includes(chosen)) return [];
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
