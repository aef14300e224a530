import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/core/errors.js';
import { parseRepositoryAllowlist } from '../../src/github/repository-allowlist.js';

describe('the repository allow-list (KKP_GITOPS_REPOSITORY_ALLOWLIST)', () => {
  it.each([
    ['acme/kkp-config', 'acme/kkp-config', true],
    ['acme/kkp-config', 'ACME/KKP-Config', true],
    ['acme/kkp-config', 'acme/scratch', false],
    ['acme/kkp-config', 'acme/kkp-config-fork', false],
    ['acme/*', 'acme/scratch', true],
    ['acme/*', 'acmecorp/scratch', false],
    ['acme/kkp-*', 'acme/kkp-prod', true],
    ['acme/kkp-*', 'acme/other', false],
    ['*', 'anyone/anything', true],
    ['acme/*,!acme/scratch', 'acme/scratch', false],
    ['acme/*,!acme/scratch', 'acme/kkp-config', true],
    [' acme/a , acme/b ', 'acme/b', true],
    ['acme/a.b', 'acme/aXb', false],
  ])('%s allows %s: %s', (list, repository, allowed) => {
    expect(parseRepositoryAllowlist(list).allows(repository)).toBe(allowed);
  });

  it.each([[undefined], [''], [' , ']])('refuses %j, naming the variable', (text) => {
    expect(() => parseRepositoryAllowlist(text)).toThrow(ConfigurationError);
    expect(() => parseRepositoryAllowlist(text)).toThrow(/KKP_GITOPS_REPOSITORY_ALLOWLIST must name the repositories/);
  });

  it.each([['acme'], ['acme/a/b'], ['acme/a b'], ['!'], ['acme/(a|b)']])('refuses the malformed pattern %j', (text) => {
    expect(() => parseRepositoryAllowlist(text)).toThrow(/KKP_GITOPS_REPOSITORY_ALLOWLIST: .* is no owner\/name glob/);
  });
});
