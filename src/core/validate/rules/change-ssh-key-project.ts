import { describeValue } from '../../model/immutable-fields.js';
import { diagnosticAt } from '../diagnostic-at.js';
import { immutableChanges } from '../immutable-changes.js';
import type { Rule } from '../rule.js';

const id = 'change/ssh-key-project';

export const changeSshKeyProject: Rule = {
  id,
  description: "A UserSSHKey's spec.project does not change.",
  check({ head, base }) {
    if (!base) return [];
    return head.documentsOf('UserSSHKey').flatMap((key) => {
      const before = base.sshKeys.get(key.name);
      if (!before) return [];
      return immutableChanges(id, before, key).map(({ change, pointer }) =>
        diagnosticAt(key, pointer, {
          rule: id,
          message: `project of UserSSHKey "${key.name}" cannot change (${describeValue(change.before)} → ${describeValue(change.after)})`,
          hint: 'Add a new UserSSHKey in the other project instead, and remove this one if it is no longer needed.',
        }),
      );
    });
  },
};
