import { childPointer } from '../../model/json-pointer.js';
import { objectAt } from '../../model/plain-data.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'datacenter/kubevirt-os';

/** The operating systems KKP serves KubeVirt images of (sdk/apis/kubermatic/v1/datacenter.go `SupportedKubeVirtOS`). */
export const KUBEVIRT_OPERATING_SYSTEMS: readonly string[] = ['ubuntu', 'rhel', 'flatcar', 'rockylinux'];

export const datacenterKubevirtOs: Rule = {
  id,
  description: `A KubeVirt datacenter's HTTP images name only operating systems KKP supports (${KUBEVIRT_OPERATING_SYSTEMS.join(', ')}) (KKP: pkg/webhook/seed/validation.go validateKubeVirtSupportedOS).`,
  check({ head }) {
    return head.datacenters.flatMap((entry) => {
      if (entry.provider !== 'kubevirt') return [];
      const systems = Object.keys(objectAt(entry.spec, 'spec', 'kubevirt', 'images', 'http', 'operatingSystems') ?? {});
      return systems
        .filter((os) => !KUBEVIRT_OPERATING_SYSTEMS.includes(os))
        .map((os) => {
          const pointer = childPointer(entry.pointer, 'spec', 'kubevirt', 'images', 'http', 'operatingSystems', os);
          const diagnostic = diagnosticAt(entry.source, pointer, {
            rule: id,
            message: `datacenter "${entry.name}": operating system "${os}" is not supported for KubeVirt images`,
            hint: `Use one of ${KUBEVIRT_OPERATING_SYSTEMS.join(', ')}.`,
          });
          return { ...diagnostic, ...entry.source.locate(pointer, { key: true }) };
        });
    });
  },
};
