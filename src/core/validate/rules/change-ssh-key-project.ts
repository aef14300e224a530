import { stringAt } from '../../model/plain-data.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'change/ssh-key-project';

export const changeSshKeyProject: Rule = {
  id,
  description: "A UserSSHKey's spec.project does not change.",
  check({ head, base }) {
    if (!base) return [];
    return head.documentsOf('UserSSHKey').flatMap((key) => {
      const before = base.sshKeys.get(key.name);
      const then = before ? stringAt(before.value, 'spec', 'project') : undefined;
      const now = stringAt(key.value, 'spec', 'project');
      if (then === undefined || now === undefined || then === now) return [];
      return [
        diagnosticAt(key, '/spec/project', {
          rule: id,
          message: `project of UserSSHKey "${key.name}" cannot change (${then} → ${now})`,
          hint: 'Add a new UserSSHKey in the other project instead, and remove this one if it is no longer needed.',
        }),
      ];
    });
  },
};
