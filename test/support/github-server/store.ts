/** The in-memory state of the local GitHub API server. Tests read it directly to assert what the app did. */

export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export interface UserRecord {
  readonly login: string;
  readonly id: number;
  readonly type: 'User' | 'Bot' | 'Organization';
}

export interface RepositoryRecord {
  readonly id: number;
  readonly owner: UserRecord;
  readonly name: string;
  readonly fullName: string;
  readonly defaultBranch: string;
  readonly installationId: number;
  /** The bare repository served over smart HTTP. */
  readonly gitDir: string;
  /**
   * Collaborators' base permission, and the custom repository role they hold (GitHub's `role_name`: a custom role
   * is based on one of the base permissions). Anyone else is no collaborator: the permission endpoint answers 404.
   */
  readonly collaborators: Map<string, { readonly permission: Permission; readonly roleName?: string }>;
  /** For a fork: the repository it was forked from. */
  readonly parentId?: number;
}

export interface PullRequestRecord {
  readonly id: number;
  readonly repositoryId: number;
  readonly number: number;
  title: string;
  state: 'open' | 'closed';
  draft: boolean;
  merged: boolean;
  mergeCommitSha: string | null;
  user: UserRecord;
  head: { ref: string; sha: string; repositoryId: number };
  base: { ref: string; sha: string };
  /** When the pull request last changed (opened, or its head moved), as GitHub's `updated_at`. */
  updatedAt: string;
}

export interface CommentRecord {
  readonly id: number;
  readonly repositoryId: number;
  /** Issue or pull request number. */
  readonly issueNumber: number;
  body: string;
  readonly user: UserRecord;
  /** Set when written with an installation token. */
  readonly appId: number | null;
  readonly createdAt: string;
  updatedAt: string;
}

export interface ReviewCommentRecord extends CommentRecord {
  readonly path: string;
  readonly line: number;
}

export interface ReviewRecord {
  readonly id: number;
  readonly repositoryId: number;
  readonly pullNumber: number;
  readonly body: string;
  readonly user: UserRecord;
  readonly state: 'APPROVED' | 'COMMENTED' | 'CHANGES_REQUESTED';
}

export type ReactionSubject = 'issue_comment' | 'pull_request_review_comment' | 'issue';

export interface ReactionRecord {
  readonly id: number;
  readonly subject: ReactionSubject;
  readonly subjectId: number;
  readonly content: string;
  readonly user: UserRecord;
}

export interface AnnotationRecord {
  readonly path: string;
  readonly start_line: number;
  readonly end_line: number;
  readonly start_column?: number;
  readonly end_column?: number;
  readonly annotation_level: 'notice' | 'warning' | 'failure';
  readonly message: string;
  readonly title?: string;
  readonly raw_details?: string;
}

export interface CheckRunRecord {
  readonly id: number;
  readonly repositoryId: number;
  name: string;
  readonly headSha: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  startedAt: string | null;
  completedAt: string | null;
  detailsUrl: string | null;
  externalId: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  readonly annotations: AnnotationRecord[];
  readonly appId: number;
}

export interface DeploymentStatusRecord {
  readonly id: number;
  readonly state: string;
  readonly description: string;
  readonly environment: string;
  /** `log_url` and `environment_url` as sent ('' when not). */
  readonly logUrl: string;
  readonly environmentUrl: string;
  readonly createdAt: string;
}

export interface DeploymentRecord {
  readonly id: number;
  readonly repositoryId: number;
  readonly sha: string;
  readonly ref: string;
  readonly task: string;
  readonly environment: string;
  readonly description: string | null;
  readonly payload: unknown;
  readonly productionEnvironment: boolean;
  readonly transientEnvironment: boolean;
  readonly createdAt: string;
  readonly statuses: DeploymentStatusRecord[];
}

export interface CommitStatusRecord {
  readonly id: number;
  readonly repositoryId: number;
  readonly sha: string;
  readonly state: 'error' | 'failure' | 'pending' | 'success';
  readonly context: string;
  readonly description: string | null;
  readonly targetUrl: string | null;
  readonly creator: UserRecord;
  readonly createdAt: string;
}

export interface InstallationRecord {
  readonly id: number;
  readonly account: UserRecord;
}

export interface TokenRecord {
  readonly token: string;
  readonly installationId: number;
  readonly expiresAt: number;
}

export class GitHubStore {
  #nextId = 1000;
  readonly installations = new Map<number, InstallationRecord>();
  readonly tokens = new Map<string, TokenRecord>();
  readonly users = new Map<string, UserRecord>();
  readonly repositories: RepositoryRecord[] = [];
  readonly pullRequests: PullRequestRecord[] = [];
  readonly issueComments: CommentRecord[] = [];
  readonly reviewComments: ReviewCommentRecord[] = [];
  readonly reviews: ReviewRecord[] = [];
  readonly reactions: ReactionRecord[] = [];
  readonly checkRuns: CheckRunRecord[] = [];
  readonly deployments: DeploymentRecord[] = [];
  readonly statuses: CommitStatusRecord[] = [];

  nextId(): number {
    return this.#nextId++;
  }

  user(login: string, type: UserRecord['type'] = 'User'): UserRecord {
    let user = this.users.get(login);
    if (!user) {
      user = { login, id: this.nextId(), type };
      this.users.set(login, user);
    }
    return user;
  }

  repository(owner: string, name: string): RepositoryRecord | undefined {
    const fullName = `${owner}/${name}`.toLowerCase();
    return this.repositories.find((r) => r.fullName.toLowerCase() === fullName);
  }

  repositoryById(id: number): RepositoryRecord | undefined {
    return this.repositories.find((r) => r.id === id);
  }

  pullRequest(repositoryId: number, number: number): PullRequestRecord | undefined {
    return this.pullRequests.find((p) => p.repositoryId === repositoryId && p.number === number);
  }

  /** Issue comments on one pull request, oldest first (as GitHub lists them). */
  commentsOn(repositoryId: number, issueNumber: number): CommentRecord[] {
    return this.issueComments.filter((c) => c.repositoryId === repositoryId && c.issueNumber === issueNumber);
  }

  /** The next issue/pull request number in a repository (they share one sequence, as on GitHub). */
  nextNumber(repositoryId: number): number {
    return this.pullRequests.filter((p) => p.repositoryId === repositoryId).reduce((max, p) => Math.max(max, p.number), 0) + 1;
  }
}
