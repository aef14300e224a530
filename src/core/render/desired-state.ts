import type { ObjectId } from '../object-id.js';
import type { KubeObject } from './kube-object.js';

/** One object a target should hold, as rendered from the repository. */
export interface DesiredObject {
  readonly id: ObjectId;
  /** The full manifest to apply, with kkp-gitops' labels and annotations. */
  readonly manifest: KubeObject;
  /** `<file>#<document index>` of the document it was rendered from (its `gitops.kkp.dev/source` annotation). */
  readonly source: string;
  /** `<file>:<line>` of that document's first line, as reports and `validate` cite it. */
  readonly location: string;
  /** Hash of the manifest (also in its `gitops.kkp.dev/desired-hash` annotation). */
  readonly hash: string;
}

/** How kkp-gitops (and KKP) reach a seed: the kubeconfig Secret its Seed references in the master. */
export interface KubeconfigReference {
  readonly name: string;
  /** Defaults to the Seed's namespace. */
  readonly namespace: string;
  /** Key in the Secret's data. Defaults to `kubeconfig`. */
  readonly fieldPath: string;
}

/** The objects one target (the master or a seed) should hold. */
export interface DesiredTarget {
  /** `master` or a seed's name. */
  readonly target: string;
  readonly objects: readonly DesiredObject[];
  /** For seeds: the Secret the Seed's `spec.kubeconfig` references in the master. */
  readonly kubeconfig?: KubeconfigReference;
}

/** A document that could not be placed on a target (only with a repository that did not validate). */
export interface UnrenderedDocument {
  /** `<file>:<line>` of the document. */
  readonly source: string;
  readonly reason: string;
}

/** Everything the repository says the clusters should hold, per target: `master` first, then seeds by name. */
export interface DesiredState {
  /** Repository id as given (`owner/name`), stamped on every object. */
  readonly repository: string;
  readonly commit?: string;
  readonly targets: readonly DesiredTarget[];
  readonly unrendered: readonly UnrenderedDocument[];
}

export const MASTER_TARGET = 'master';
