import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');

/**
 * A work tree holding a copy of `examples/`, with a Git repository whose `origin` is `remote` (a test server's
 * repository), and a `git` runner in it. Nothing is committed yet.
 */
export function exampleWorkTree(remote: string, prefix: string): { work: string; git: (...args: string[]) => string } {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  cpSync(EXAMPLES, work, { recursive: true });
  git('init', '--quiet', '--initial-branch=main');
  git('config', 'user.name', 'Test');
  git('config', 'user.email', 'test@example.com');
  git('remote', 'add', 'origin', remote);
  return { work, git };
}

/**
 * Removes a cluster's file (`projects/<p>/clusters/<name>.yaml`) from the work tree, and its name from the SSH keys
 * that list it (the validator refuses a key naming a cluster that no longer exists).
 */
export function removeExampleCluster(tree: { work: string; git: (...args: string[]) => string }, file: string): void {
  const name = /([^/]+)\.yaml$/.exec(file)![1]!;
  rmSync(join(tree.work, file));
  for (const key of tree.git('ls-files', 'projects/*/ssh-keys/*.yaml').split('\n')) {
    const path = join(tree.work, key);
    const text = readFileSync(path, 'utf8');
    const edited = text.replace(/clusters: \[(.*)\]/, (_m, list: string) => `clusters: [${list.split(',').map((c) => c.trim()).filter((c) => c !== name).join(', ')}]`);
    if (edited !== text) writeFileSync(path, edited);
  }
}
