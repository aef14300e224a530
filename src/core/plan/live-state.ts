import type { KubeObject } from '../render/kube-object.js';

/** Why a target's live state could not be read. */
export type UnreachableReason = 'unreachable' | 'kubeconfig-secret-missing';

/** What one target holds now: the objects of its kinds (one list per kind), or why they could not be read. */
export type LiveTarget =
  | {
      readonly target: string;
      readonly reachable: true;
      /** Every listed object of the kinds the target holds, kkp-gitops' or not. */
      readonly objects: readonly KubeObject[];
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
