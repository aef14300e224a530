/** What one drift check of a repository found: the report the check run is written from. */

export interface DriftedObject {
  /** `seed-eu: Cluster/shop-staging-eu` */
  readonly object: string;
  /** `edited` in the cluster, `missing` from it (deleted by hand), `extra` in it (deleted from Git, still live), `differs` (Git changed it). */
  readonly how: 'edited' | 'missing' | 'extra' | 'differs';
  /** The fields that differ (for `edited` and `differs`). */
  readonly fields: readonly string[];
}

export interface DriftReport {
  readonly repository: string;
  /**
   * `clean`: no drift. `drifted`: drift left for a person. `healed`: drift corrected. `heal-failed`: the correcting
   * apply failed. `not-applied`: the head is not the applied commit; nothing judged. `invalid`: the head has
   * validation errors. `failed`: could not check (see `error`).
   */
  readonly status: 'clean' | 'drifted' | 'healed' | 'heal-failed' | 'not-applied' | 'invalid' | 'failed';
  readonly head?: string;
  readonly drifted: readonly DriftedObject[];
  /** Gated changes (`gateKeyOf`) the decision skipped: drift self-heal does not run them (a deletion no policy allows). */
  readonly skipped?: readonly string[];
  /** Targets that could not be read. */
  readonly unreachable: readonly string[];
  readonly error?: string;
  /** The check run written (absent when nothing was written: nothing new to say). */
  readonly checkRunId?: number;
}
