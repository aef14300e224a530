import type { Diagnostic } from '../../diagnostic.js';
import { stringAt } from '../../model/plain-data.js';
import { diagnosticAt, placeOf } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'binding/group-duplicate';

export const bindingGroupDuplicate: Rule = {
  id,
  description: 'At most one GroupProjectBinding per group and project, enterprise edition (KKP: pkg/ee/validation/groupprojectbinding/groupprojectbinding.go).',
  check({ head }) {
    if (head.repo.config.edition !== 'enterprise') return [];
    const first = new Map<string, (typeof bindings)[number]>();
    const bindings = head.documentsOf('GroupProjectBinding');
    const diagnostics: Diagnostic[] = [];
    for (const binding of bindings) {
      const group = stringAt(binding.value, 'spec', 'group');
      const project = stringAt(binding.value, 'spec', 'projectID');
      if (group === undefined || project === undefined) continue;
      const key = `${group}\u0000${project}`;
      const earlier = first.get(key);
      if (!earlier) {
        first.set(key, binding);
        continue;
      }
      diagnostics.push(
        diagnosticAt(binding, '/spec/group', {
          rule: id,
          message: `GroupProjectBinding "${binding.name}" binds group "${group}" to project "${project}" again`,
          hint: `"${earlier.name}" (${placeOf(earlier, '/spec/group')}) already does: keep one.`,
        }),
      );
    }
    return diagnostics;
  },
};
