import { valueAt, stringAt } from '../../model/plain-data.js';
import { effectiveCni } from '../cluster-facts.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'cluster/proxy-mode-ebpf';

export const clusterProxyMode: Rule = {
  id,
  description: 'proxyMode ebpf needs the cilium CNI and Konnectivity (KKP: pkg/validation/cluster.go validateProxyMode).',
  check({ head }) {
    return head.documentsOf('Cluster').flatMap((cluster) => {
      if (stringAt(cluster.value, 'spec', 'clusterNetwork', 'proxyMode') !== 'ebpf') return [];
      const cni = effectiveCni(cluster);
      const problems: string[] = [];
      if (cni.type === 'canal') problems.push(`the ${cni.written ? '' : 'default '}CNI is canal`);
      if (valueAt(cluster.value, 'spec', 'clusterNetwork', 'konnectivityEnabled') === false) problems.push('Konnectivity is disabled');
      if (problems.length === 0) return [];
      return [
        diagnosticAt(cluster, '/spec/clusterNetwork/proxyMode', {
          rule: id,
          message: `cluster "${cluster.name}" uses proxyMode ebpf but ${problems.join(' and ')}`,
          hint: 'ebpf proxy mode works only with spec.cniPlugin.type: cilium and Konnectivity enabled; use ipvs or iptables otherwise.',
        }),
      ];
    });
  },
};
