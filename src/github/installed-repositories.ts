/**
 * What this process learnt from `installation` and `installation_repositories` events: repositories added to the
 * app's installations since the start (recovery and drift know them at once, before their first push), and
 * repositories or whole installations removed (or suspended) since, which are no longer planned, drifted or
 * recovered even though a record on their Lease still names them. Adding a repository again undoes its removal.
 * Kept in memory: after a restart GitHub answers for removed repositories with 404 and no installation token, so
 * recovery and drift of them fail without writing anything.
 */

export interface InstalledRepository {
  readonly installationId: number;
  readonly defaultBranch: string;
}

export interface InstalledRepositories {
  /** A repository added to an installation (or one of a new or unsuspended installation). */
  add(fullName: string, repository: InstalledRepository): void;
  /** Repositories taken out of their installation. */
  removeRepositories(fullNames: readonly string[]): void;
  /** An installation deleted or suspended: every repository it covers, listed or not. */
  removeInstallation(installationId: number, fullNames: readonly string[]): void;
  /** Whether the repository (of that installation, when known) was removed since the start. */
  removed(fullName: string, installationId?: number): boolean;
  /** The repositories added since the start and not removed since. */
  added(): [string, InstalledRepository][];
}

export function createInstalledRepositories(): InstalledRepositories {
  const added = new Map<string, InstalledRepository>();
  const removedRepositories = new Set<string>();
  const removedInstallations = new Set<number>();
  return {
    add(fullName, repository) {
      added.set(fullName, repository);
      removedRepositories.delete(fullName);
      removedInstallations.delete(repository.installationId);
    },
    removeRepositories(fullNames) {
      for (const name of fullNames) {
        added.delete(name);
        removedRepositories.add(name);
      }
    },
    removeInstallation(installationId, fullNames) {
      removedInstallations.add(installationId);
      for (const [name, repository] of added) if (repository.installationId === installationId) added.delete(name);
      for (const name of fullNames) removedRepositories.add(name);
    },
    removed(fullName, installationId) {
      if (added.has(fullName)) return false;
      return removedRepositories.has(fullName) || (installationId !== undefined && removedInstallations.has(installationId));
    },
    added: () => [...added],
  };
}
