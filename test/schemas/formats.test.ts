import { describe, expect, it } from 'vitest';
import { CUSTOM_FORMATS } from '../../src/core/validate/schema/formats.js';

function check(format: string, value: string): boolean {
  const f = CUSTOM_FORMATS[format];
  if (!f) throw new Error(`no format ${format}`);
  return f.validate(value);
}

describe('custom formats', () => {
  it.each([
    ['cidr', '10.0.0.0/8', true],
    ['cidr', 'fd00::/104', true],
    ['cidr', '10.0.0.0', false],
    ['cidr', '10.0.0.256/8', false],
    ['cidr', 'fd00::/129', false],
    ['cidr', '10.0.0.0/08', false],
    ['ipv4-cidr', 'fd00::/104', false],
    ['ipv6-cidr', '10.0.0.0/8', false],
    ['semver', '1.35.7', true],
    ['semver', 'v1.35.7', true],
    ['semver', '1.35', false],
    ['semver', '01.35.7', false],
    ['version-pattern', '1.35.*', true],
    ['version-pattern', '1.35.7', true],
    ['version-pattern', '1.x.y', false],
    ['cni-version', 'v3.29', true],
    ['cni-version', '1.16.6', true],
    ['rfc1035-label', 'prod-1', true],
    ['rfc1035-label', '1prod', false],
    ['rfc1035-label', 'prod-', false],
    ['rfc1123-label', '1prod', true],
    ['rfc1123-subdomain', 'aws-eu.central', true],
    ['rfc1123-subdomain', 'Aws', false],
    // KKP names users by a sha256: 64 characters in one label, which the apiserver accepts.
    ['rfc1123-subdomain', 'a'.repeat(64), true],
    ['rfc1123-subdomain', 'a'.repeat(254), false],
    ['project-group', 'viewers-webshop7k2q', true],
    ['project-group', 'admins-webshop7k2q', false],
    ['country-code', 'DE', true],
    ['country-code', 'de', false],
    ['duration-go', '1h30m', true],
    ['duration-go', '90', false],
  ])('%s accepts %s: %s', (format, value, ok) => {
    expect(check(format, value)).toBe(ok);
  });

  it('accepts an SSH public key whose blob names its own key type', () => {
    expect(check('ssh-public-key', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICvYBsl/DgCvGh/DMo+nY6kmlyPI24+sT5OvcdsYbW6Q alice@example.com')).toBe(true);
  });

  it('rejects an SSH public key whose blob names another key type', () => {
    // The blob of an ssh-ed25519 key under an ssh-rsa prefix.
    expect(check('ssh-public-key', 'ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAICvYBsl/DgCvGh/DMo+nY6kmlyPI24+sT5OvcdsYbW6Q')).toBe(false);
  });
});
