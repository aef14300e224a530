import type { Diagnostic } from '../../diagnostic.js';
import { arrayAt } from '../../model/plain-data.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'cluster/cidr-count';

const singular = (name: 'pods' | 'services') => (name === 'pods' ? 'pod' : 'service');
const countOf = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

export const clusterCidrCount: Rule = {
  id,
  description: 'A Cluster has one or two pod and service CIDRs (two for dual stack), the same number of each.',
  check({ head }) {
    return head.documentsOf('Cluster').flatMap((cluster) => {
      const diagnostics: Diagnostic[] = [];
      const pods = arrayAt(cluster.value, 'spec', 'clusterNetwork', 'pods', 'cidrBlocks');
      const services = arrayAt(cluster.value, 'spec', 'clusterNetwork', 'services', 'cidrBlocks');
      for (const [name, list] of [['pods', pods], ['services', services]] as const) {
        if (list !== undefined && (list.length < 1 || list.length > 2)) {
          diagnostics.push(
            diagnosticAt(cluster, `/spec/clusterNetwork/${name}/cidrBlocks`, {
              rule: id,
              message: `cluster "${cluster.name}" has ${countOf(list.length, `${singular(name)} CIDR`)}; it needs one (IPv4) or two (IPv4 and IPv6)`,
              hint: 'List an IPv4 CIDR, and an IPv6 CIDR second for dual stack.',
            }),
          );
        }
      }
      if (diagnostics.length === 0 && pods !== undefined && services !== undefined && pods.length !== services.length) {
        diagnostics.push(
          diagnosticAt(cluster, '/spec/clusterNetwork/services/cidrBlocks', {
            rule: id,
            message: `cluster "${cluster.name}" has ${countOf(pods.length, 'pod CIDR')} but ${countOf(services.length, 'service CIDR')}`,
            hint: 'Pods and services need the same number of CIDRs: one each for IPv4, two each for dual stack.',
          }),
        );
      }
      return diagnostics;
    });
  },
};
