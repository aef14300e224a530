import { describeValue } from '../../model/immutable-fields.js';
import { diagnosticAt } from '../diagnostic-at.js';
import { immutableChanges } from '../immutable-changes.js';
import type { Rule } from '../rule.js';

const id = 'change/user-email';

export const changeUserEmail: Rule = {
  id,
  description: "A User's spec.email does not change, compared exactly: a change of case is a change (KKP: pkg/validation/user.go).",
  check({ head, base }) {
    if (!base) return [];
    return head.documentsOf('User').flatMap((user) => {
      const before = base.users.get(user.name);
      if (!before) return [];
      return immutableChanges(id, before, user).map(({ change, pointer }) =>
        diagnosticAt(user, pointer, {
          rule: id,
          message: `e-mail of User "${user.name}" cannot change (${describeValue(change.before)} → ${describeValue(change.after)})`,
          hint: 'KKP identifies users by e-mail: keep it, or add a new User with the new e-mail and remove the old one.',
        }),
      );
    });
  },
};
