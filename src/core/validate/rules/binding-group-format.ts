import { stringAt } from '../../model/plain-data.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'binding/group-format';

export const PROJECT_ROLES = ['owners', 'editors', 'viewers', 'projectmanagers'] as const;

export const bindingGroupFormat: Rule = {
  id,
  description: "A UserProjectBinding's spec.group is <role>-<projectID>, role one of owners, editors, viewers, projectmanagers.",
  check({ head }) {
    return head.documentsOf('UserProjectBinding').flatMap((binding) => {
      const group = stringAt(binding.value, 'spec', 'group');
      const projectId = stringAt(binding.value, 'spec', 'projectID');
      if (group === undefined) return [];
      const role = PROJECT_ROLES.find((r) => group.startsWith(`${r}-`));
      const example = `owners-${projectId ?? '<projectID>'}`;
      if (role === undefined) {
        return [
          diagnosticAt(binding, '/spec/group', {
            rule: id,
            message: `group "${group}" of UserProjectBinding "${binding.name}" does not start with a role (${PROJECT_ROLES.join(', ')})`,
            hint: `Write it as <role>-<projectID>, e.g. "${example}".`,
          }),
        ];
      }
      const groupProject = group.slice(role.length + 1);
      if (projectId === undefined || groupProject === projectId) return [];
      return [
        diagnosticAt(binding, '/spec/group', {
          rule: id,
          message: `group "${group}" of UserProjectBinding "${binding.name}" names project "${groupProject}", but spec.projectID is "${projectId}"`,
          hint: `Write it as "${role}-${projectId}".`,
        }),
      ];
    });
  },
};
