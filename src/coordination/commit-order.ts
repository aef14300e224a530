/**
 * Commit order, asked of real Git in the repository's bare mirror: whether one commit is an ancestor of another
 * (`git merge-base --is-ancestor`). Used to never apply an older commit after a newer one.
 */
import { simpleGit } from 'simple-git';

/**
 * True when `ancestor` is `descendant` or one of its ancestors; false when not; undefined when either commit is not in
 * the mirror (a force push dropped it from every fetched ref), so the order cannot be told.
 */
export async function isAncestor(gitDir: string, ancestor: string, descendant: string): Promise<boolean | undefined> {
  // Exit statuses carry the answers here (1: no), so every non-zero status is made an error, stderr or not.
  const git = simpleGit({ baseDir: gitDir, errors: (error, result) => error ?? (result.exitCode === 0 ? undefined : new NonZeroExit(result.exitCode)) });
  const succeeds = (args: string[]) =>
    git.raw(args).then(
      () => true,
      () => false,
    );
  if (!(await succeeds(['cat-file', '-e', `${ancestor}^{commit}`])) || !(await succeeds(['cat-file', '-e', `${descendant}^{commit}`]))) return undefined;
  return ancestor === descendant || succeeds(['merge-base', '--is-ancestor', ancestor, descendant]);
}

class NonZeroExit extends Error {
  constructor(readonly exitCode: number) {
    super(`git exited with status ${exitCode}`);
  }
}
