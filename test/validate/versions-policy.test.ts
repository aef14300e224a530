import { describe, expect, it } from 'vitest';
import { matchesVersionConstraint, parseKubernetesVersion } from '../../src/core/versions/kubernetes-version.js';
import { DEFAULT_VERSIONS_POLICY, defaultVersionsPolicy, isVersionAllowed, providerIncompatibility, versionsPolicyOf, versionUpdateProblem } from '../../src/core/versions/versions-policy.js';
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

  it('matches constraints as KKP reads them (semver constraints: exact, wildcards, operators, ranges)', () => {
    const v = version('1.35.8');
    for (const yes of ['1.35.*', 'v1.35.8', '1.35', '1.*', '*', '>= 1.30', '>=1.29.0', '> 1.34', '< 1.36', '<= 1.35', '!= 1.35.7', '~1.35.1', '^1.2', '>= 1.30, < 1.36', '1.34.* || 1.35.*', '>= 1.29.0 < 1.36.0']) {
      expect(matchesVersionConstraint(v, yes), yes).toBe(true);
    }
    for (const no of ['1.34.*', '> 1.35', '< 1.35.8', '>= 1.36', '!= 1.35', '~1.34.0', '^2.0', '>= 1.30, < 1.35', 'latest', '1.*.8x', '']) {
      expect(matchesVersionConstraint(v, no), no).toBe(false);
    }
  });
});

describe('the built-in versions policy', () => {
  it("is KKP v2.31's: 1.33.0 through 1.36.3 as its KubermaticConfiguration reference lists them, default 1.35.7", () => {
    expect(DEFAULT_VERSIONS_POLICY.release).toBe('v2.31');
    expect(DEFAULT_VERSIONS_POLICY.default).toBe('1.35.7');
    expect(DEFAULT_VERSIONS_POLICY.versions[0]).toBe('1.33.0');
    expect(DEFAULT_VERSIONS_POLICY.versions.at(-1)).toBe('1.36.3');
    for (const listed of ['1.33.11', '1.33.13', '1.34.9', '1.34.10']) expect(isVersionAllowed(DEFAULT_VERSIONS_POLICY, listed), listed).toBe(true);
    for (const unlisted of ['1.33.1', '1.33.4', '1.34.0', '1.36.0', '1.36.2', '1.32.9']) expect(isVersionAllowed(DEFAULT_VERSIONS_POLICY, unlisted), unlisted).toBe(false);
  });

  it('is the selected release\'s', () => {
    expect(defaultVersionsPolicy('v2.29').versions[0]).toBe('1.31.1');
    expect(defaultVersionsPolicy('v2.29').default).toBe('1.33.13');
    expect(versionsPolicyOf(repositoryFromYaml({ 'kkp-gitops.yaml': 'apiVersion: gitops.kkp.dev/v1alpha1\nkind: Config\nspec:\n  kkpVersion: v2.30\n' })).release).toBe('v2.30');
  });

  it('allows what the update rules allow, a patch downgrade included, and nothing else', () => {
    expect(versionUpdateProblem(DEFAULT_VERSIONS_POLICY, '1.35.1', '1.35.7')).toBeUndefined();
    expect(versionUpdateProblem(DEFAULT_VERSIONS_POLICY, '1.35.7', '1.36.3')).toBeUndefined();
    expect(versionUpdateProblem(DEFAULT_VERSIONS_POLICY, '1.35.7', '1.35.2')).toBeUndefined();
    expect(versionUpdateProblem(DEFAULT_VERSIONS_POLICY, '1.34.2', '1.36.1')).toMatch(/no update rule allows/);
    expect(versionUpdateProblem(DEFAULT_VERSIONS_POLICY, '1.35.7', '1.34.8')).toMatch(/no update rule allows/);
  });

  it("applies KKP's provider incompatibilities: >= 1.29.0 upgrades need the external cloud provider", () => {
    const upgrade = { version: '1.35.7', provider: 'aws', operation: 'UPGRADE' as const };
    expect(providerIncompatibility(DEFAULT_VERSIONS_POLICY, { ...upgrade, conditions: ['inTreeProvider'] })).toMatchObject({ version: '>= 1.29.0' });
    expect(providerIncompatibility(DEFAULT_VERSIONS_POLICY, { ...upgrade, conditions: [] })).toBeUndefined();
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
