import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
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
