import { describe, expect, it } from 'vitest';
import { formatObjectId, objectKey } from '../../src/core/object-id.js';

describe('object identity', () => {
  it('formats a cluster-scoped object as target, kind and name', () => {
    expect(formatObjectId({ target: 'seed-eu', apiVersion: 'kubermatic.k8c.io/v1', kind: 'Cluster', name: 'prod-1' })).toBe('seed-eu: Cluster/prod-1');
  });

  it('formats a namespaced object with its namespace', () => {
    expect(formatObjectId({ target: 'master', apiVersion: 'kubermatic.k8c.io/v1', kind: 'Seed', namespace: 'kubermatic', name: 'seed-eu' })).toBe(
      'master: Seed/kubermatic/seed-eu',
    );
  });

  it('pairs objects across API versions of the same group but not across targets', () => {
    const a = { target: 'master', apiVersion: 'kubermatic.k8c.io/v1', kind: 'Project', name: 'p' };
    expect(objectKey(a)).toBe(objectKey({ ...a, apiVersion: 'kubermatic.k8c.io/v2' }));
    expect(objectKey(a)).not.toBe(objectKey({ ...a, target: 'seed-eu' }));
  });
});
