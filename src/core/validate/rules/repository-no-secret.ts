import { valueAt } from '../../model/plain-data.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'repository/no-secret';

export const repositoryNoSecret: Rule = {
  id,
  description: 'The repository holds no Kubernetes Secret (seed kubeconfigs and cloud credentials never belong in Git).',
  check({ head }) {
    return head.repo.others
      .filter((doc) => doc.apiVersion === 'v1' && doc.kind === 'Secret')
      .map((secret) => {
        const pointer = valueAt(secret.value, 'data') !== undefined ? '/data' : valueAt(secret.value, 'stringData') !== undefined ? '/stringData' : '';
        return diagnosticAt(secret, pointer, {
          rule: id,
          message: `Secret "${secret.name}" is committed to the repository`,
          hint: 'Remove it from Git and rotate what it holds; create the Secret in the cluster out of band (or through a secrets manager) and reference it by name.',
        });
      });
  },
};
