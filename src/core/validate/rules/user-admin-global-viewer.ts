import { valueAt } from '../../model/plain-data.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'user/admin-global-viewer';

export const userAdminGlobalViewer: Rule = {
  id,
  description: 'A User is not both admin and isGlobalViewer (KKP: pkg/validation/user.go).',
  check({ head }) {
    return head.documentsOf('User').flatMap((user) => {
      if (valueAt(user.value, 'spec', 'admin') !== true || valueAt(user.value, 'spec', 'isGlobalViewer') !== true) return [];
      return [
        diagnosticAt(user, '/spec/isGlobalViewer', {
          rule: id,
          message: `user "${user.name}" is both admin and global viewer`,
          hint: 'An admin sees everything already: remove spec.isGlobalViewer (or spec.admin).',
        }),
      ];
    });
  },
};
