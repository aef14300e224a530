/** KKP status conditions (a map by type): set one, keeping its transition time while its status stays the same. */

export interface Condition {
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason?: string;
  readonly message?: string;
  readonly lastHeartbeatTime: string;
  readonly lastTransitionTime: string;
  /** Cluster conditions only (required there). */
  readonly kubermaticVersion?: string;
}

export type Conditions = Readonly<Record<string, Condition>>;

export interface ConditionChange {
  readonly status: Condition['status'];
  readonly reason?: string;
  readonly message?: string;
}

/**
 * `previous[type]` changed to `change` at `time`. A condition whose status, reason and message stay the same is
 * returned unchanged (times included), so that reconciling again writes nothing.
 */
export function nextCondition(previous: Conditions | undefined, type: string, change: ConditionChange, time: string, kubermaticVersion?: string): Condition {
  const old = previous?.[type];
  if (old && old.status === change.status && old.reason === change.reason && old.message === change.message && old.kubermaticVersion === kubermaticVersion) return old;
  return {
    ...(kubermaticVersion !== undefined ? { kubermaticVersion } : {}),
    status: change.status,
    ...(change.reason !== undefined ? { reason: change.reason } : {}),
    ...(change.message !== undefined ? { message: change.message } : {}),
    lastHeartbeatTime: time,
    lastTransitionTime: old && old.status === change.status ? old.lastTransitionTime : time,
  };
}
