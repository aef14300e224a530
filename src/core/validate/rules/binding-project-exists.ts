import type { Diagnostic } from '../../diagnostic.js';
import { stringAt } from '../../model/plain-data.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';
import { nameHint } from '../../suggest.js';

const id = 'binding/project-exists';

export const bindingProjectExists: Rule = {
  id,
  description: "A UserProjectBinding's or GroupProjectBinding's spec.projectID names a Project of the repository.",
  check({ head }) {
    const projectIds = [...head.projects.keys()];
    const diagnostics: Diagnostic[] = [];
    for (const kind of ['UserProjectBinding', 'GroupProjectBinding']) {
      for (const binding of head.documentsOf(kind)) {
        const projectId = stringAt(binding.value, 'spec', 'projectID');
        if (projectId === undefined || head.projects.has(projectId)) continue;
        diagnostics.push(
          diagnosticAt(binding, '/spec/projectID', {
            rule: id,
            message: `project "${projectId}" of ${kind} "${binding.name}" does not exist`,
            hint: `${nameHint(projectId, projectIds, 'projects')} KKP deletes bindings whose Project is missing.`,
          }),
        );
      }
    }
    return diagnostics;
  },
};
