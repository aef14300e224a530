import { stringAt } from '../../model/plain-data.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';
import { nameHint } from '../../suggest.js';

const id = 'binding/user-exists';

export const bindingUserExists: Rule = {
  id,
  description:
    "Warning (ours, not KKP's: KKP accepts a binding for a user who has not logged in yet): a UserProjectBinding's spec.userEmail is the e-mail of a User of the repository (case-insensitive).",
  check({ head }) {
    const emails = [...head.usersByEmail.keys()];
    return head.documentsOf('UserProjectBinding').flatMap((binding) => {
      const email = stringAt(binding.value, 'spec', 'userEmail');
      if (email === undefined || head.usersByEmail.has(email.toLowerCase())) return [];
      return [
        diagnosticAt(binding, '/spec/userEmail', {
          rule: id,
          severity: 'warning',
          message: `no User has the e-mail "${email}" of UserProjectBinding "${binding.name}"`,
          hint: `${nameHint(email.toLowerCase(), emails, 'user e-mails')} KKP accepts the binding (it applies once the user logs in); add the User if you manage it here, or correct spec.userEmail.`,
        }),
      ];
    });
  },
};
