import { stringAt } from '../../model/plain-data.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';
import { nameHint } from '../../suggest.js';

const id = 'ssh-key/project-exists';

export const sshKeyProjectExists: Rule = {
  id,
  description: "A UserSSHKey's spec.project names a Project of the repository.",
  check({ head }) {
    const projectIds = [...head.projects.keys()];
    return head.documentsOf('UserSSHKey').flatMap((key) => {
      const project = stringAt(key.value, 'spec', 'project');
      if (project === undefined || head.projects.has(project)) return [];
      return [
        diagnosticAt(key, '/spec/project', {
          rule: id,
          message: `project "${project}" of UserSSHKey "${key.name}" does not exist`,
          hint: nameHint(project, projectIds, 'projects'),
        }),
      ];
    });
  },
};
