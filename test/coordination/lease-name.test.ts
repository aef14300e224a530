import { describe, expect, it } from 'vitest';
import { leaseNameFor } from '../../src/coordination/lease-name.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

describe('the Lease name of a repository', () => {
  it('is kkp-gitops-<owner>-<repo> for plain names', () => {
    expect(leaseNameFor('acme/kkp-config')).toBe('kkp-gitops-acme-kkp-config');
  });

  it('is the same whatever the case, as GitHub names are case-insensitive', () => {
    expect(leaseNameFor('Acme/KKP-Config')).toBe(leaseNameFor('acme/kkp-config'));
  });

  it('gets a hash suffix when characters had to be replaced, so that similar names stay apart', () => {
    const dotted = leaseNameFor('acme/kkp.config');
    const underscored = leaseNameFor('acme/kkp_config');
    expect(dotted).toMatch(DNS_LABEL);
    expect(underscored).toMatch(DNS_LABEL);
    expect(dotted).toMatch(/^kkp-gitops-acme-kkp-config-[0-9a-f]{10}$/);
    expect(new Set([dotted, underscored, leaseNameFor('acme/kkp-config')]).size).toBe(3);
  });

  it('stays a DNS label of at most 63 characters for long names, and distinct', () => {
    const a = leaseNameFor(`some-organisation/${'x'.repeat(90)}-a`);
    const b = leaseNameFor(`some-organisation/${'x'.repeat(90)}-b`);
    expect(a).toMatch(DNS_LABEL);
    expect(a.length).toBeLessThanOrEqual(63);
    expect(a).not.toBe(b);
  });
});
