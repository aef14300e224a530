import { pointerOf } from '../../model/json-pointer.js';
import { stringAt, stringsAt } from '../../model/plain-data.js';
import { clusterProjectId } from '../cluster-facts.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'ssh-key/cluster-exists';

export const sshKeyClusterExists: Rule = {
  id,
  description: "Each cluster in a UserSSHKey's spec.clusters exists and belongs to the key's project.",
  check({ head }) {
    return head.documentsOf('UserSSHKey').flatMap((key) => {
      const project = stringAt(key.value, 'spec', 'project');
      return stringsAt(key.value, 'spec', 'clusters').flatMap(({ value: name, index }) => {
        const pointer = pointerOf('spec', 'clusters', index); // only keys are this many: cheap enough
        const cluster = head.clusters.get(name);
        if (!cluster) {
          return [diagnosticAt(key, pointer, { rule: id, message: `cluster "${name}" of UserSSHKey "${key.name}" does not exist`, hint: 'List only clusters defined in the repository.' })];
        }
        const clusterProject = clusterProjectId(cluster);
        if (project === undefined || clusterProject === undefined || clusterProject === project) return [];
        return [
          diagnosticAt(key, pointer, {
            rule: id,
            message: `cluster "${name}" belongs to project "${clusterProject}", not to project "${project}" of UserSSHKey "${key.name}"`,
            hint: 'An SSH key can only be assigned to clusters of its own project.',
          }),
        ];
      });
    });
  },
};
