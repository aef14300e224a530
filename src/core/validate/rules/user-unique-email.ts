import type { Diagnostic } from '../../diagnostic.js';
import type { SourceDocument } from '../../load/source-document.js';
import { stringAt } from '../../model/plain-data.js';
import { diagnosticAt, placeOf } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'user/unique-email';

export const userUniqueEmail: Rule = {
  id,
  description: 'User e-mails are unique, compared case-insensitively (KKP v2.30 and later).',
  check({ head, versions }) {
    // pkg/validation/user.go `ValidateUserEmailUniqueness` came with KKP v2.30; v2.29's webhook has no such check.
    if (versions.release === 'v2.29') return [];
    const byEmail = new Map<string, SourceDocument[]>();
    for (const user of head.documentsOf('User')) {
      const email = stringAt(user.value, 'spec', 'email')?.toLowerCase();
      if (email === undefined) continue;
      const list = byEmail.get(email);
      if (list) list.push(user);
      else byEmail.set(email, [user]);
    }
    const diagnostics: Diagnostic[] = [];
    for (const users of byEmail.values()) {
      if (users.length < 2) continue;
      for (const user of users) {
        const others = users.filter((u) => u !== user).map((u) => `User "${u.name}" at ${placeOf(u, '/spec/email')}`);
        diagnostics.push(
          diagnosticAt(user, '/spec/email', {
            rule: id,
            message: `e-mail "${stringAt(user.value, 'spec', 'email')}" of User "${user.name}" is also used by ${others.join(', ')}`,
            hint: 'User e-mails are unique regardless of case: merge the Users or correct one e-mail.',
          }),
        );
      }
    }
    return diagnostics;
  },
};
