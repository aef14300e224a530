/**
 * `/kkp allow-deletions` is recorded as a commit status on the pull request's head commit, written by the app.
 * A status belongs to one SHA, so a new push leaves the new head without it: the allowance is revoked by design.
 * Only statuses the app itself wrote count (anyone with `statuses: write` could write one with the same context).
 */
import type { GitHubRepository } from './github-repository.js';
import { GITHUB_LIMITS } from './github-limits.js';

export const ALLOWANCE_CONTEXT = 'kkp-gitops/allow-deletions';

export async function recordAllowance(github: GitHubRepository, headSha: string, login: string): Promise<void> {
  const description = `Destructive changes accepted by @${login} for this commit`.slice(0, GITHUB_LIMITS.statusDescription);
  await github.setCommitStatus(headSha, ALLOWANCE_CONTEXT, 'success', description);
}

/** The newest allowance status the app wrote on `sha` is a success. */
export async function hasAllowance(github: GitHubRepository, sha: string, appLogin: string): Promise<boolean> {
  const statuses = await github.commitStatuses(sha);
  // GitHub lists the newest first.
  const latest = statuses.find((s) => s.context === ALLOWANCE_CONTEXT && s.creatorLogin === appLogin);
  return latest?.state === 'success';
}
