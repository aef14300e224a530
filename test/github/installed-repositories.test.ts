import { describe, expect, it } from 'vitest';
import { createInstalledRepositories } from '../../src/github/installed-repositories.js';

describe('the repositories learnt from installation events', () => {
  it('knows an added repository until it is removed, and again once it is added back', () => {
    const installed = createInstalledRepositories();
    installed.add('acme/a', { installationId: 1, defaultBranch: 'main' });
    expect(installed.added()).toEqual([['acme/a', { installationId: 1, defaultBranch: 'main' }]]);
    installed.removeRepositories(['acme/a']);
    expect(installed.added()).toEqual([]);
    expect(installed.removed('acme/a')).toBe(true);
    installed.add('acme/a', { installationId: 1, defaultBranch: 'trunk' });
    expect(installed.removed('acme/a')).toBe(false);
  });

  it('counts every repository of a deleted installation as removed, listed or not, and no other', () => {
    const installed = createInstalledRepositories();
    installed.add('acme/b', { installationId: 2, defaultBranch: 'main' });
    installed.removeInstallation(2, ['acme/listed']);
    expect(installed.removed('acme/listed')).toBe(true);
    expect(installed.removed('acme/recorded-only', 2)).toBe(true);
    expect(installed.removed('acme/b', 2)).toBe(true);
    expect(installed.removed('acme/other', 3)).toBe(false);
    expect(installed.added()).toEqual([]);
  });
});
