import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/core/errors.js';
import { gitCommitSource } from '../../src/core/load/git-commit-source.js';
import { loadRepository } from '../../src/core/load/load-repository.js';
import { CLUSTER, writeRepo } from './helpers.js';

let repoDir: string;
let first: string;
let second: string;

async function commit(message: string): Promise<string> {
  const git = simpleGit(repoDir);
  await git.add(['-A']);
  await git.commit(message, { '--allow-empty': null });
  return (await git.revparse(['HEAD'])).trim();
}

beforeAll(async () => {
  repoDir = mkdtempSync(join(tmpdir(), 'kkp-git-'));
  const git = simpleGit(repoDir);
  await git.init(['--initial-branch=main']);
  await git.addConfig('user.email', 'test@example.com');
  await git.addConfig('user.name', 'Test');
  writeRepo(
    {
      'clusters/prod-1.yaml': CLUSTER,
      'shared/dc.yaml': 'apiVersion: gitops.kkp.dev/v1alpha1\nkind: Datacenter\nmetadata:\n  name: aws-eu\n',
      'link.yaml': { link: 'shared/dc.yaml' },
      'escape.yaml': { link: '../../etc/passwd' },
      'absolute.yaml': { link: '/etc/passwd' },
      'README.md': 'hello\n',
    },
    repoDir,
  );
  first = await commit('first');
  writeRepo({ 'clusters/prod-1.yaml': CLUSTER.replace('aws-eu', 'aws-us'), 'clusters/prod-2.yaml': CLUSTER.replace('prod-1', 'prod-2') }, repoDir);
  await git.checkoutLocalBranch('feature');
  second = await commit('second');
});

describe('gitCommitSource', () => {
  it('reads a commit by SHA, with the SHA recorded', async () => {
    const repository = await loadRepository(await gitCommitSource(repoDir, first));
    expect(repository.commit).toBe(first);
    expect(repository.source).toBe(`${repoDir}@${first.slice(0, 12)}`);
    expect(repository.documents.map((d) => d.file)).toEqual(['clusters/prod-1.yaml', 'link.yaml', 'shared/dc.yaml']);
  });

  it('reads a branch by name', async () => {
    const repository = await loadRepository(await gitCommitSource(repoDir, 'feature'));
    expect(repository.commit).toBe(second);
    expect(repository.documents.map((d) => d.name)).toContain('prod-2');
  });

  it('reads an older commit as it was, after a newer one changed files', async () => {
    const newer = await loadRepository(await gitCommitSource(repoDir, second));
    const older = await loadRepository(await gitCommitSource(repoDir, `${second}~1`));
    const dcOf = (r: typeof older) => r.documents.filter((d) => d.kind === 'Cluster').map((d) => [d.name, (d.value as { spec: { cloud: { dc: string } } }).spec.cloud.dc]);
    expect(dcOf(newer)).toEqual([['prod-1', 'aws-us'], ['prod-2', 'aws-eu']]);
    expect(dcOf(older)).toEqual([['prod-1', 'aws-eu']]);
    // The work tree holds the newer files: the older revision did not come from it.
    expect(readFileSync(join(repoDir, 'clusters/prod-1.yaml'), 'utf8')).toContain('aws-us');
  });

  it('resolves a symlink blob inside the tree and reports the ones that leave it', async () => {
    const repository = await loadRepository(await gitCommitSource(repoDir, first));
    const link = repository.documents.find((d) => d.file === 'link.yaml');
    expect(link?.kind).toBe('Datacenter');
    expect(repository.diagnostics.filter((d) => d.rule === 'load/symlink-escape').map((d) => [d.file, d.line])).toEqual([
      ['absolute.yaml', 1],
      ['escape.yaml', 1],
    ]);
    expect(repository.ignored).toEqual([{ file: 'README.md', reason: expect.stringContaining('not a YAML file') }]);
  });

  it('locates nodes in files read from Git', async () => {
    const repository = await loadRepository(await gitCommitSource(repoDir, second));
    const cluster = repository.documents.find((d) => d.name === 'prod-1');
    expect(cluster?.locate('/spec/cloud/dc')).toEqual({ line: 9, column: 9, endLine: 9, endColumn: 15 });
  });

  it('throws a ConfigurationError for an unknown revision, an option-like revision, or a folder that is not a repository', async () => {
    await expect(gitCommitSource(repoDir, 'no-such-branch')).rejects.toBeInstanceOf(ConfigurationError);
    await expect(gitCommitSource(repoDir, 'no-such-branch')).rejects.toThrow(/Unknown revision "no-such-branch"/);
    await expect(gitCommitSource(repoDir, '--output=/tmp/x')).rejects.toBeInstanceOf(ConfigurationError);
    await expect(gitCommitSource(mkdtempSync(join(tmpdir(), 'kkp-nogit-')), 'HEAD')).rejects.toBeInstanceOf(ConfigurationError);
    await expect(gitCommitSource(join(tmpdir(), 'kkp-missing-folder-x'), 'HEAD')).rejects.toBeInstanceOf(ConfigurationError);
  });
});
