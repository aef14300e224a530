import { describe, expect, it } from 'vitest';
import { matchesVersionPattern, parseKubernetesVersion } from '../../src/core/versions/kubernetes-version.js';
import { DEFAULT_VERSIONS_POLICY, isVersionAllowed, versionsPolicyOf, versionUpdateProblem } from '../../src/core/versions/versions-policy.js';
import { repositoryFromYaml } from './support/repository-from-yaml.js';

const version = (text: string) => {
  const parsed = parseKubernetesVersion(text);
  if (!parsed) throw new Error(`not a version: ${text}`);
  return parsed;
};

describe('Kubernetes versions', () => {
  it('treats 1.35.8 and v1.35.8 as the same version', () => {
    expect(parseKubernetesVersion('v1.35.8')).toEqual(parseKubernetesVersion('1.35.8'));
  });

  it('rejects text that is not major.minor.patch', () => {
    for (const text of ['1.35', '1.35.x', 'latest', '01.35.8', '1.35.8-rc.1', '']) expect(parseKubernetesVersion(text)).toBeUndefined();
  });

  it('matches exact versions and trailing wildcards, nothing else', () => {
    expect(matchesVersionPattern(version('1.35.8'), '1.35.*')).toBe(true);
    expect(matchesVersionPattern(version('1.35.8'), 'v1.35.8')).toBe(true);
    expect(matchesVersionPattern(version('1.35.8'), '1.*')).toBe(true);
    expect(matchesVersionPattern(version('1.35.8'), '*')).toBe(true);
    expect(matchesVersionPattern(version('1.35.8'), '1.34.*')).toBe(false);
    expect(matchesVersionPattern(version('1.35.8'), '1.*.8')).toBe(false);
    expect(matchesVersionPattern(version('1.35.8'), '>= 1.30')).toBe(false);
  });
});

describe('the built-in versions policy', () => {
  it('allows 1.33.0 through 1.36.4 with default 1.35.8', () => {
    expect(DEFAULT_VERSIONS_POLICY.default).toBe('1.35.8');
    expect(DEFAULT_VERSIONS_POLICY.versions[0]).toBe('1.33.0');
    expect(DEFAULT_VERSIONS_POLICY.versions.at(-1)).toBe('1.36.4');
    expect(isVersionAllowed(DEFAULT_VERSIONS_POLICY, 'v1.35.8')).toBe(true);
    expect(isVersionAllowed(DEFAULT_VERSIONS_POLICY, '1.36.5')).toBe(false);
    expect(isVersionAllowed(DEFAULT_VERSIONS_POLICY, '1.32.9')).toBe(false);
  });

  it('allows any patch within a minor and the next minor, never a skipped minor or a downgrade', () => {
    expect(versionUpdateProblem(DEFAULT_VERSIONS_POLICY, '1.35.1', '1.35.8')).toBeUndefined();
    expect(versionUpdateProblem(DEFAULT_VERSIONS_POLICY, '1.35.8', '1.36.0')).toBeUndefined();
    expect(versionUpdateProblem(DEFAULT_VERSIONS_POLICY, '1.34.2', '1.36.1')).toMatch(/skips a minor/);
    expect(versionUpdateProblem(DEFAULT_VERSIONS_POLICY, '1.35.8', '1.35.2')).toMatch(/downgrading/);
    expect(versionUpdateProblem(DEFAULT_VERSIONS_POLICY, '1.35.8', '1.34.8')).toMatch(/downgrading/);
  });
});

describe('a repository versions policy', () => {
  const configuration = (versions: string) =>
    repositoryFromYaml({
      'kubermatic.yaml': `apiVersion: kubermatic.k8c.io/v1
kind: KubermaticConfiguration
metadata:
  name: kubermatic
  namespace: kubermatic
spec:
  versions:
${versions}`,
    });

  it('reads versions and updates from the KubermaticConfiguration', () => {
    const policy = versionsPolicyOf(
      configuration(`    versions: [v1.36.1, 1.37.0]
    default: 1.37.0
    updates:
      - from: 1.36.*
        to: 1.37.0
`),
    );
    expect(policy.origin).toBe('repository');
    expect(policy.versions).toEqual(['1.36.1', '1.37.0']);
    expect(versionUpdateProblem(policy, '1.36.1', '1.37.0')).toBeUndefined();
    expect(versionUpdateProblem(policy, '1.36.0', '1.36.1')).toMatch(/no update rule allows/);
  });

  it('falls back to the built-in defaults field by field', () => {
    const policy = versionsPolicyOf(configuration('    versions: [1.37.0]\n'));
    expect(policy.versions).toEqual(['1.37.0']);
    expect(policy.updates).toBe(DEFAULT_VERSIONS_POLICY.updates);
    expect(versionsPolicyOf(repositoryFromYaml({}))).toBe(DEFAULT_VERSIONS_POLICY);
  });

  it('skips badly shaped entries instead of failing', () => {
    const policy = versionsPolicyOf(configuration('    versions: [1.37.0, 7, null, {a: 1}, not-a-version]\n    updates: [3, {from: 1}]\n'));
    expect(policy.versions).toEqual(['1.37.0']);
    expect(policy.updates).toBe(DEFAULT_VERSIONS_POLICY.updates);
  });
});
