/** The repositories the app reconciles, as drift detection and recovery find them. */
import type { Coordination } from '../../coordination/coordination.js';

/** A repository the app reconciles: what the drift check needs to find it. */
export interface KnownRepository {
  /** `owner/name` */
  readonly fullName: string;
  readonly installationId: number;
  readonly defaultBranch: string;
}

/** The repositories to check. */
export type KnownRepositories = () => Promise<KnownRepository[]>;

/** Known repositories from the applied-commit records on the master's Leases (every repository a push reconciled). */
export function knownFromRecords(coordination: Coordination | undefined): KnownRepositories {
  return async () => {
    if (!coordination) return [];
    return (await coordination.records()).flatMap(({ record }) =>
      record.installationId !== undefined ? [{ fullName: record.repository, installationId: record.installationId, defaultBranch: record.defaultBranch ?? 'main' }] : [],
    );
  };
}
