import { stringAt, valueAt } from '../../model/plain-data.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'seed/kubeconfig-reference';

export const seedKubeconfigReference: Rule = {
  id,
  description: "Every Seed references its kubeconfig Secret with spec.kubeconfig.name (and never holds a kubeconfig inline).",
  supersedesSchema: true,
  check({ head }) {
    return head.documentsOf('Seed').flatMap((seed) => {
      const kubeconfig = valueAt(seed.value, 'spec', 'kubeconfig');
      const hint = 'Set spec.kubeconfig: {name: <Secret name>, namespace: kubermatic}; the Secret holding the seed kubeconfig lives in the master, not in Git.';
      if (typeof kubeconfig === 'string') {
        return [diagnosticAt(seed, '/spec/kubeconfig', { rule: id, message: `seed "${seed.name}" holds its kubeconfig inline in Git`, hint })];
      }
      const name = stringAt(kubeconfig, 'name');
      if (name !== undefined && name !== '') return [];
      return [
        diagnosticAt(seed, '/spec/kubeconfig', {
          rule: id,
          message: `seed "${seed.name}" does not reference its kubeconfig Secret`,
          hint,
        }),
      ];
    });
  },
};
