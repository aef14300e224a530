import { KKP_NAMESPACE } from '../../kinds.js';
import { stringAt, valueAt } from '../../model/plain-data.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'seed/namespace';

/**
 * Seeds live in the KKP namespace, and their kubeconfig Secret beside them. The first half is KKP's: it reads Seeds
 * only from its own namespace (the seed getters list in the `kubermatic` namespace), so a Seed elsewhere is never a
 * seed. The second half is kkp-gitops' own rule (KKP follows `spec.kubeconfig.namespace` anywhere): a Secret in
 * another namespace (`kube-system`, a tenant's) is not one an operator put there for a seed, and reading it would
 * hand its content to whatever server it names.
 */
export const seedNamespace: Rule = {
  id,
  description: `Seeds live in the "${KKP_NAMESPACE}" namespace (KKP reads Seeds only there), and the kubeconfig Secret a Seed references is in the Seed's own namespace (kkp-gitops' rule).`,
  check({ head }) {
    return head.documentsOf('Seed').flatMap((seed) => {
      const namespace = seed.namespace ?? KKP_NAMESPACE;
      if (namespace !== KKP_NAMESPACE) {
        return [
          diagnosticAt(seed, '/metadata/namespace', {
            rule: id,
            message: `seed "${seed.name}" is in namespace "${namespace}"; KKP reads Seeds only from "${KKP_NAMESPACE}"`,
            hint: `Set metadata.namespace: ${KKP_NAMESPACE}.`,
          }),
        ];
      }
      const secretNamespace = stringAt(valueAt(seed.value, 'spec', 'kubeconfig'), 'namespace');
      if (secretNamespace === undefined || secretNamespace === '' || secretNamespace === namespace) return [];
      return [
        diagnosticAt(seed, '/spec/kubeconfig/namespace', {
          rule: id,
          message: `seed "${seed.name}" references its kubeconfig Secret in namespace "${secretNamespace}"; it must be in the Seed's namespace "${namespace}" (a kkp-gitops rule: only Secrets beside the Seeds are seed kubeconfigs)`,
          hint: `Create the Secret in ${namespace} and set spec.kubeconfig.namespace: ${namespace} (or leave it out).`,
        }),
      ];
    });
  },
};
