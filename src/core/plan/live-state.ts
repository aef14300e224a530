import type { KubeObject } from '../render/kube-object.js';

/** Why a target's live state could not be read. */
export type UnreachableReason = 'unreachable' | 'kubeconfig-secret-missing';

/**
 * Why a seed was deliberately not contacted for a pull request's plan: the master has no Seed of that name yet
 * (`new-seed`), or the pull request changes the kubeconfig Secret its live Seed names (`kubeconfig-changed`). Only a
 * merge makes the repository's Seed trusted; before it, the seed is treated as empty.
 */
export type NotContactedReason = 'new-seed' | 'kubeconfig-changed';

/** What one target holds now: the objects of its kinds (one list per kind), or why they could not be read. */
export type LiveTarget =
  | {
      readonly target: string;
      readonly reachable: true;
      /** Every listed object of the kinds the target holds, kkp-gitops' or not. */
      readonly objects: readonly KubeObject[];
      /** Set when the seed was not contacted (its objects are then `[]`): see `NotContactedReason`. */
      readonly notContacted?: NotContactedReason;
    }
  | {
      readonly target: string;
      readonly reachable: false;
      readonly reason: UnreachableReason;
      /** For people: what failed (never a Secret value). */
      readonly error: string;
    };

/** The live state of every target that was read. A target missing here is treated as unreachable. */
export interface LiveState {
  readonly targets: readonly LiveTarget[];
}
