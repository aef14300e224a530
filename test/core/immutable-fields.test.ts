import { describe, expect, it } from 'vitest';
import { IMMUTABLE_FIELDS, immutableFieldChange, immutableFieldsOf, type ImmutableField } from '../../src/core/model/immutable-fields.js';

function field(kind: string, name: string): ImmutableField {
  const found = IMMUTABLE_FIELDS.find((f) => f.kind === kind && f.name === name);
  if (!found) throw new Error(`no immutable field ${kind} ${name}`);
  return found;
}

const cluster = (spec: object, labels: Record<string, string> = {}) => ({ apiVersion: 'kubermatic.k8c.io/v1', kind: 'Cluster', metadata: { name: 'c', labels }, spec });

describe("KKP's immutable fields", () => {
  it('reports a changed datacenter with both values', () => {
    expect(immutableFieldChange(field('Cluster', 'spec.cloud.dc'), cluster({ cloud: { dc: 'a' } }), cluster({ cloud: { dc: 'b' } }))).toEqual({ before: 'a', after: 'b' });
  });

  it('treats a field the old object left unset as the default KKP filled in', () => {
    const pods = field('Cluster', 'spec.clusterNetwork.pods.cidrBlocks');
    expect(immutableFieldChange(pods, cluster({}), cluster({ clusterNetwork: { pods: { cidrBlocks: ['172.25.0.0/16'] } } }))).toBeUndefined();
    expect(immutableFieldChange(pods, cluster({}), cluster({ clusterNetwork: { pods: { cidrBlocks: ['10.0.0.0/16'] } } }))).toEqual({ before: ['172.25.0.0/16'], after: ['10.0.0.0/16'] });
  });

  it('keeps the live value when the new object leaves the field unset', () => {
    expect(immutableFieldChange(field('Cluster', 'spec.cloud.dc'), cluster({ cloud: { dc: 'a' } }), cluster({ cloud: {} }))).toBeUndefined();
  });

  it('lets the unsafe migration label unlock a change of the expose strategy', () => {
    const expose = field('Cluster', 'spec.exposeStrategy');
    expect(immutableFieldChange(expose, cluster({ exposeStrategy: 'NodePort' }), cluster({ exposeStrategy: 'Tunneling' }))).toBeDefined();
    expect(immutableFieldChange(expose, cluster({ exposeStrategy: 'NodePort' }), cluster({ exposeStrategy: 'Tunneling' }, { 'unsafe-expose-strategy-migration': 'true' }))).toBeUndefined();
  });

  it('reads the provider from the one provider block of spec.cloud', () => {
    const provider = field('Cluster', 'the provider (spec.cloud.<provider>)');
    expect(immutableFieldChange(provider, cluster({ cloud: { aws: {} } }), cluster({ cloud: { gcp: {} } }))).toEqual({ before: 'aws', after: 'gcp' });
    expect(provider.locate?.(cluster({ cloud: { gcp: {} } }))).toEqual(['spec', 'cloud', 'gcp']);
  });

  it('compares e-mail addresses exactly, as KKP does: a change of case is a change', () => {
    const email = field('User', 'spec.email');
    const user = (address: string) => ({ kind: 'User', spec: { email: address } });
    expect(immutableFieldChange(email, user('jane@example.com'), user('jane@example.com'))).toBeUndefined();
    expect(immutableFieldChange(email, user('Jane@Example.com'), user('jane@example.com'))).toBeDefined();
    expect(immutableFieldChange(email, user('jane@example.com'), user('john@example.com'))).toBeDefined();
  });

  it('gives each validator rule its own fields', () => {
    expect(immutableFieldsOf('Cluster', 'change/cluster-cni-migration').map((f) => f.name)).toEqual(['spec.clusterNetwork.proxyMode', 'spec.cniPlugin.type']);
    expect(immutableFieldsOf('UserSSHKey').map((f) => f.name)).toEqual(['spec.project']);
  });
});
