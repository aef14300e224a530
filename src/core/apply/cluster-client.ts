/**
 * The narrow port through which the core reads and writes clusters. The Kubernetes adapter (`src/kube`) implements
 * it over HTTP; tests may replace it. One `list` per kind per target, never one GET per object.
 */
import { ClusterUnreachableError } from '../errors.js';
import type { KindInfo } from '../kinds.js';
import type { ObjectId } from '../object-id.js';
import type { KubeconfigReference } from '../render/desired-state.js';
import type { KubeObject } from '../render/kube-object.js';

/** What the client needs to address a kind over the API. */
export type ResourceKind = Pick<KindInfo, 'apiVersion' | 'kind' | 'plural' | 'namespaced'>;

export interface ListOptions {
  /** Kubernetes label selector (`app.kubernetes.io/managed-by=kkp-gitops`). Default: everything. */
  readonly labelSelector?: string;
  /** For namespaced kinds: one namespace. Default: all namespaces. */
  readonly namespace?: string;
}

export interface ApplyOptions {
  /** Take over fields another manager owns (server-side apply `force`). */
  readonly force: boolean;
  /** Validate and admit, but persist nothing (`dryRun=All`). */
  readonly dryRun: boolean;
}

export interface DeleteOptions {
  /** Delete only if the live object still has this uid (a delete precondition). */
  readonly uid?: string;
  readonly dryRun: boolean;
}

/** A list with the resourceVersion it was read at, for a watch to start from. */
export interface VersionedList {
  readonly items: KubeObject[];
  readonly resourceVersion: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchHandlers {
  /** An event; a BOOKMARK's object carries only `metadata.resourceVersion`. */
  onEvent(type: WatchEventType, object: KubeObject): void;
  /**
   * The watch ended (the server closed it, the connection broke, or `stop`). `expired`: the server answered
   * 410 Gone: the version is too old to resume from, list again.
   */
  onEnd(end: { readonly expired: boolean }): void;
}

/** Lists with their version and watches from one, for a cache of live state (`src/kube/live-cache`). */
export interface ClusterWatcher {
  /** The cluster and credentials: a cache built through one watcher is only used with a client of the same key. */
  readonly key: string;
  listVersioned(kind: ResourceKind, options?: ListOptions): Promise<VersionedList>;
  /** Starts a watch (with bookmarks) from `resourceVersion`; resolves once the request is sent. */
  watch(kind: ResourceKind, options: ListOptions & { readonly resourceVersion: string }, handlers: WatchHandlers): Promise<{ stop(): void }>;
}

/**
 * One target cluster. Every method throws `ClusterUnreachableError` when the cluster cannot be reached and
 * `ApiRequestError` when the API answers with an error Status.
 */
export interface ClusterClient {
  readonly target: string;
  /** Every object of a kind; each item carries `apiVersion` and `kind`. */
  list(kind: ResourceKind, options?: ListOptions): Promise<KubeObject[]>;
  /**
   * One object by name, or undefined when it does not exist (404). Absent on clients that cannot read single
   * objects; the plan then skips what needs it (the master's CRD check, `crd-drift.ts`).
   */
  get?(kind: ResourceKind, name: string, namespace?: string): Promise<KubeObject | undefined>;
  /** Server-side apply with field manager `kkp-gitops`. */
  apply(object: KubeObject, options: ApplyOptions): Promise<void>;
  /**
   * The server's answer to a server-side apply with `dryRun=All`, `fieldValidation=Strict` and `force` (as the
   * deploy applies): the object as the apiserver would store it, after its defaulting and every admission webhook.
   * Absent on clients that cannot dry-run (the plan then says so).
   */
  dryRunApply?(object: KubeObject): Promise<KubeObject>;
  /** Delete; an object already gone counts as deleted. */
  delete(id: ObjectId, options: DeleteOptions): Promise<void>;
  /** Present on clients that can watch (the Kubernetes adapter): the server's live-state cache uses it. */
  readonly watcher?: ClusterWatcher;
}

/** The clients the apply uses, by target name (`master`, seed names). */
export type TargetClients = ReadonlyMap<string, ClusterClient>;

/** How the core reaches the targets: the master directly, each seed through its kubeconfig Secret in the master. */
export interface TargetConnector {
  /** The master. Throws `ClusterUnreachableError` when its configuration cannot be used. */
  master(): Promise<ClusterClient>;
  /**
   * A seed, reached the way KKP reaches it: with the kubeconfig in the Secret its Seed references in the master.
   * Throws `KubeconfigSecretMissingError` when the Secret (or its key) is missing, `ClusterUnreachableError` otherwise.
   */
  seed(name: string, kubeconfig: KubeconfigReference): Promise<ClusterClient>;
  /** Releases connections. */
  close?(): Promise<void> | void;
}

/** A seed's kubeconfig Secret, or the key in it, does not exist in the master. */
export class KubeconfigSecretMissingError extends ClusterUnreachableError {}
