import { describe, expect, it } from 'vitest';
import { collectDatacenters } from '../../src/core/model/collect-datacenters.js';
import { repositoryFromYaml } from './support/repository-from-yaml.js';

const repo = repositoryFromYaml({
  'seed.yaml': `apiVersion: kubermatic.k8c.io/v1
kind: Seed
metadata:
  name: seed-eu
  namespace: kubermatic
spec:
  datacenters:
    aws/eu:
      country: DE
      location: Frankfurt
      spec:
        aws:
          region: eu-central-1
        enforceAuditLogging: true
    broken: 42
`,
  'dc.yaml': `apiVersion: gitops.kkp.dev/v1alpha1
kind: Datacenter
metadata:
  name: do-ams1
spec:
  seed: seed-eu
  location: Amsterdam
  node:
    httpProxy: http://proxy:3128
  spec:
    digitalocean:
      region: ams1
    gcp:
      region: europe-west4
`,
});

describe('collectDatacenters', () => {
  const entries = collectDatacenters(repo);

  it('collects datacenters from Datacenter documents and inline from Seeds, in document order', () => {
    expect(entries.map((e) => [e.name, e.seed, e.origin])).toEqual([
      ['do-ams1', 'seed-eu', 'datacenter'],
      ['aws/eu', 'seed-eu', 'seed'],
    ]);
  });

  it('gives the KKP datacenter object without the seed field, ready for Seed.spec.datacenters', () => {
    expect(entries[0]?.spec).toEqual({
      location: 'Amsterdam',
      node: { httpProxy: 'http://proxy:3128' },
      spec: { digitalocean: { region: 'ams1' }, gcp: { region: 'europe-west4' } },
    });
    expect(entries[1]?.spec).toEqual({ country: 'DE', location: 'Frankfurt', spec: { aws: { region: 'eu-central-1' }, enforceAuditLogging: true } });
  });

  it('names the provider only when there is exactly one, and lists all provider keys', () => {
    expect(entries[0]?.provider).toBeUndefined();
    expect(entries[0]?.providers).toEqual(['digitalocean', 'gcp']);
    expect(entries[1]?.provider).toBe('aws');
    expect(entries[1]?.providers).toEqual(['aws']);
  });

  it('points at the datacenter object with an escaped JSON pointer', () => {
    expect(entries[0]?.pointer).toBe('/spec');
    expect(entries[1]?.pointer).toBe('/spec/datacenters/aws~1eu');
    expect(entries[1]?.source.locate(entries[1].pointer).line).toBe(9);
  });
});
