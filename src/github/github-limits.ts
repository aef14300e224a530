/** GitHub's documented size limits that the app must respect. */
export const GITHUB_LIMITS = {
  /** Characters in an issue or pull request comment body. */
  commentBody: 65_536,
  /** Characters in a check run's `output.summary` and `output.text`. */
  checkRunText: 65_535,
  /** Annotations per check run create/update request. */
  annotationsPerRequest: 50,
  /** Characters in a commit status or deployment status description. */
  statusDescription: 140,
} as const;
