import { stringAt } from '../../model/plain-data.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'change/user-email';

export const changeUserEmail: Rule = {
  id,
  description: "A User's spec.email does not change (compared case-insensitively).",
  check({ head, base }) {
    if (!base) return [];
    return head.documentsOf('User').flatMap((user) => {
      const before = base.users.get(user.name);
      const then = before ? stringAt(before.value, 'spec', 'email') : undefined;
      const now = stringAt(user.value, 'spec', 'email');
      if (then === undefined || now === undefined || then.toLowerCase() === now.toLowerCase()) return [];
      return [
        diagnosticAt(user, '/spec/email', {
          rule: id,
          message: `e-mail of User "${user.name}" cannot change (${then} → ${now})`,
          hint: 'KKP identifies users by e-mail: keep it, or add a new User with the new e-mail and remove the old one.',
        }),
      ];
    });
  },
};
