/** GitHub's documented limits that the local server enforces, so tests catch an app that exceeds them. */
export const GITHUB_LIMITS = {
  /** Issue and pull request comment bodies. */
  commentBody: 65_536,
  /** Check run `output.summary` and `output.text`. */
  checkRunText: 65_535,
  /** Annotations per create/update check run request. */
  annotationsPerRequest: 50,
  /** Commit status and deployment status descriptions (GitHub truncates nothing: it refuses). */
  statusDescription: 140,
} as const;
