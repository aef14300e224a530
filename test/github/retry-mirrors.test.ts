import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/core/errors.js';
import { CommitNotFoundError, type RepositoryMirrors } from '../../src/github/repository-mirror.js';
import { retryingMirrors } from '../../src/github/retry-mirrors.js';

const request = { fullName: 'acme/kkp', cloneUrl: 'http://example/acme/kkp.git', token: 't', refs: ['refs/heads/main'] };
const noWait = { sleep: async () => undefined };

function mirrorsFailing(...failures: Error[]): RepositoryMirrors & { calls: number } {
  const fake = {
    calls: 0,
    async fetch() {
      const failure = failures[fake.calls++];
      if (failure) throw failure;
      return '/mirror/acme/kkp.git';
    },
  };
  return fake;
}

describe('Git fetches', () => {
  it('are tried once more after a failed fetch', async () => {
    const mirrors = mirrorsFailing(new ConfigurationError('cannot fetch acme/kkp: the remote end hung up'));
    await expect(retryingMirrors(mirrors, noWait).fetch(request)).resolves.toBe('/mirror/acme/kkp.git');
    expect(mirrors.calls).toBe(2);
  });

  it('are tried only once more', async () => {
    const mirrors = mirrorsFailing(new ConfigurationError('first'), new ConfigurationError('second'), new ConfigurationError('third'));
    await expect(retryingMirrors(mirrors, noWait).fetch(request)).rejects.toThrow('second');
    expect(mirrors.calls).toBe(2);
  });

  it('are not repeated when the commit is simply not there', async () => {
    const mirrors = mirrorsFailing(new CommitNotFoundError('commit abc is not in the fetched refs'));
    await expect(retryingMirrors(mirrors, noWait).fetch(request)).rejects.toBeInstanceOf(CommitNotFoundError);
    expect(mirrors.calls).toBe(1);
  });
});
