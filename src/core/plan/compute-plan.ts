import type { Action } from '../action.js';
import { kindInfo } from '../kinds.js';
import { objectKey, type ObjectId } from '../object-id.js';
import type { DesiredObject, DesiredState } from '../render/desired-state.js';
import { isJsonObject, type KubeObject } from '../render/kube-object.js';
import { DESIRED_HASH_ANNOTATION, FIELD_MANAGER, MANAGED_BY_LABEL, MANAGED_BY_VALUE, REPOSITORY_LABEL, repositoryLabelValue } from '../render/managed-labels.js';
import { diffManagedFields, diffWholeObject } from './diff-managed-fields.js';
import { formatFieldPath } from './field-path.js';
import { immutableFieldErrors } from './immutable-fields.js';
import type { LiveState, LiveTarget, NotContactedReason } from './live-state.js';
import { ownedFields } from './owned-fields.js';
import type { ChangeCache } from './plan-cache.js';
import type { Change, FieldChange, Plan, PlanOptions, PlanStage, StagePhase, TargetPlan } from './plan.js';
import { kindsOfTarget } from './target-kinds.js';
import { applyOrderOf } from '../apply/apply-order.js';

interface PlannedChange {
  readonly phase: StagePhase;
  readonly order: number;
  readonly change: Change;
}

export interface ComputePlanOptions extends PlanOptions {
  /** Changes planned before, reused where neither side of an object changed (see `ChangeCache`). Default: none. */
  readonly cache?: ChangeCache;
}

/**
 * Desired state + live state → the plan: per target, the changes in stages ordered by the kind table (applies in
 * apply order, then deletes in reverse). Pure. Targets are the desired ones (master first, then seeds) followed by
 * targets only the live state knows (seeds removed from Git, whose objects are pruned).
 */
export function computePlan(desired: DesiredState, live: LiveState, options: ComputePlanOptions = {}): Plan {
  const allowDeletions = options.allowDeletions ?? false;
  const correctDrift = options.correctDrift ?? true;
  const liveByTarget = new Map(live.targets.map((t) => [t.target, t]));
  const desiredByTarget = new Map(desired.targets.map((t) => [t.target, t.objects]));
  const names = [...desired.targets.map((t) => t.target), ...live.targets.map((t) => t.target).filter((t) => !desiredByTarget.has(t)).sort()];
  const secretMissing = new Set(live.targets.filter((t) => !t.reachable && t.reason === 'kubeconfig-secret-missing').map((t) => t.target));
  const context: PlanContext = { repositoryLabel: repositoryLabelValue(desired.repository), allowDeletions, correctDrift, secretMissing, ...(options.cache ? { cache: options.cache } : {}) };

  const targets = names.map((target): TargetPlan => {
    const liveTarget: LiveTarget | undefined = liveByTarget.get(target);
    if (!liveTarget || !liveTarget.reachable) {
      return { target, status: 'unreachable', error: liveTarget ? liveTarget.error : 'its live state was not read', stages: [], notDryRun: 'the target is unreachable' };
    }
    const notice = liveTarget.notContacted ? NOT_CONTACTED_NOTICE[liveTarget.notContacted] : undefined;
    return { target, status: 'ready', ...(notice ? { notice } : {}), stages: planTarget(target, desiredByTarget.get(target) ?? [], liveTarget.objects, context) };
  });
  return {
    type: 'plan',
    repository: desired.repository,
    ...(desired.commit ? { commit: desired.commit } : {}),
    allowDeletions,
    targets,
    unrendered: desired.unrendered,
  };
}

/** Fixed texts: nothing from the pull request or a cluster is quoted. */
const NOT_CONTACTED_NOTICE: Readonly<Record<NotContactedReason, string>> = {
  'new-seed': 'the seed was not reachable before merge: the master has no Seed of this name yet, so its objects are planned as creates',
  'kubeconfig-changed': 'the seed was not reachable before merge: this pull request changes the kubeconfig Secret its Seed names, so its objects are planned as creates',
};

interface PlanContext {
  readonly repositoryLabel: string;
  readonly allowDeletions: boolean;
  readonly correctDrift: boolean;
  /** Seeds whose kubeconfig Secret is missing in the master. */
  readonly secretMissing: ReadonlySet<string>;
  readonly cache?: ChangeCache;
}

function planTarget(target: string, desired: readonly DesiredObject[], liveObjects: readonly KubeObject[], context: PlanContext): PlanStage[] {
  const heldKinds = new Set(kindsOfTarget(target).map((k) => `${k.apiVersion.split('/')[0]}|${k.kind}`));
  const live = new Map<string, KubeObject>();
  for (const object of liveObjects) {
    if (!heldKinds.has(`${object.apiVersion.split('/')[0]}|${object.kind}`)) continue;
    live.set(objectKey(liveId(target, object)), object);
  }
  const planned: PlannedChange[] = [];
  const desiredKeys = new Set<string>();
  for (const object of desired) {
    const key = objectKey(object.id);
    desiredKeys.add(key);
    planned.push(planObjectOnce(object, live.get(key), context));
  }
  for (const [key, object] of live) {
    if (desiredKeys.has(key) || !isOurs(object, context)) continue;
    planned.push(planPrune(liveId(target, object), object, context));
  }
  return toStages(planned);
}

/** `planObject`, or the change planned before for the same rendered object, live version and options. */
function planObjectOnce(desired: DesiredObject, live: KubeObject | undefined, context: PlanContext): PlannedChange {
  const comparedWith = context.cache ? comparisonKey(desired, live, context) : undefined;
  const cached = comparedWith === undefined ? undefined : context.cache!.get(desired, comparedWith);
  // The same order as planned the first time, the apply order table's refinement included.
  if (cached) return { phase: 'apply', order: applyOrderOf(orderOf(desired.id), cached), change: cached };
  const planned = planObject(desired, live, context);
  if (comparedWith !== undefined) context.cache!.set(desired, comparedWith, planned.change);
  return planned;
}

/** Everything `planObject` reads besides the rendered object; undefined when the live side has no version to key by. */
function comparisonKey(desired: DesiredObject, live: KubeObject | undefined, context: PlanContext): string | undefined {
  const { uid, resourceVersion } = live?.metadata ?? {};
  if (live && (!uid || !resourceVersion)) return undefined;
  const secretMissing = desired.id.kind === 'Seed' && context.secretMissing.has(desired.id.name);
  return `${live ? `${uid}\u0000${resourceVersion}` : 'absent'}\u0000${context.repositoryLabel}\u0000${context.allowDeletions}\u0000${context.correctDrift}\u0000${secretMissing}`;
}

function planObject(desired: DesiredObject, live: KubeObject | undefined, context: PlanContext): PlannedChange {
  const order = orderOf(desired.id);
  const errors: string[] = [];
  const secretError = unreachableSeedError(desired, context);
  const base = { id: desired.id, source: desired.location, manifest: desired.manifest, destructive: false };
  if (!live) {
    const change: Change = { ...base, action: 'create', diff: withoutStamp(diffWholeObject(desired.manifest, 'after')), drift: false, errors: [...errors, ...secretError] };
    return { phase: 'apply', order, change };
  }
  const otherRepository = live.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE ? live.metadata.labels?.[REPOSITORY_LABEL] : undefined;
  if (otherRepository !== undefined && otherRepository !== context.repositoryLabel) {
    errors.push(`the live object is managed by another repository ('${otherRepository}'); remove it from one of them`);
  }
  const gitUnchanged = live.metadata.annotations?.[DESIRED_HASH_ANNOTATION] === desired.hash;
  // Removals are looked for only when Git changed since the last apply: with the same manifest, fields owned by
  // kkp-gitops beyond it were filled in by KKP's admission during our own apply, not removed from Git.
  const owned = ownedFields(live, FIELD_MANAGER);
  const diff = diffManagedFields(desired.manifest, live, { ...(owned ? { owned } : {}), removals: !gitUnchanged });
  if (diff.length === 0) {
    return { phase: 'apply', order, change: { ...base, action: 'unchanged', diff, drift: false, errors } };
  }
  errors.push(...immutableFieldErrors(desired.manifest, live), ...secretError);
  const drift = gitUnchanged;
  const removedDatacenters = removedDatacenterPaths(live, diff);
  const destructive = removedDatacenters.length > 0;
  // A live object without our label was made by someone else: writing it takes it over (and later PRs may prune it).
  const adoption = live.metadata.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE;
  let action: Action = 'update';
  let reason: string | undefined;
  if (destructive && !context.allowDeletions) {
    action = 'skip';
    reason = `removes ${removedDatacenters.join(', ')} from the Seed: destructive, needs an explicit allowance to delete`;
  } else if (adoption && !context.allowDeletions) {
    action = 'skip';
    reason = 'adopts a live object kkp-gitops did not create: needs an explicit allowance, like a deletion';
  } else if (drift && !context.correctDrift) {
    action = 'skip';
    reason = 'drift (edited outside Git); correcting drift is turned off';
  }
  const change: Change = { ...base, action, diff: withoutStamp(diff), drift, destructive, ...(adoption ? { adoption } : {}), errors, ...(reason ? { reason } : {}) };
  // Within its kind, the apply order table may put the change first (a Seed giving up a datacenter).
  return { phase: 'apply', order: applyOrderOf(order, change), change };
}

/** A Seed may be written only when the master holds the kubeconfig Secret it references (KKP's webhook checks it). */
function unreachableSeedError(desired: DesiredObject, context: PlanContext): string[] {
  if (desired.id.kind !== 'Seed' || !context.secretMissing.has(desired.id.name)) return [];
  const ref = isJsonObject(desired.manifest['spec']) ? desired.manifest['spec']['kubeconfig'] : undefined;
  const name = isJsonObject(ref) && typeof ref['name'] === 'string' ? ref['name'] : '(none)';
  return [`the kubeconfig Secret '${name}' this Seed references does not exist in the master (KKP refuses a Seed it cannot reach)`];
}

function planPrune(id: ObjectId, live: KubeObject, context: PlanContext): PlannedChange {
  const info = kindInfo(id.apiVersion, id.kind);
  const order = orderOf(id);
  const destructive = info?.destructiveDelete ?? false;
  const base = { id, diff: [], destructive, drift: false, errors: [], ...(live.metadata.uid ? { uid: live.metadata.uid } : {}) };
  if (live.metadata.deletionTimestamp) {
    return { phase: 'delete', order, change: { ...base, action: 'skip', reason: 'already being deleted' } };
  }
  if (destructive && !context.allowDeletions) {
    return { phase: 'delete', order, change: { ...base, action: 'skip', reason: `deleting a ${id.kind} is destructive: needs an explicit allowance to delete` } };
  }
  return { phase: 'delete', order, change: { ...base, action: 'delete' } };
}

function isOurs(object: KubeObject, context: PlanContext): boolean {
  const labels = object.metadata.labels ?? {};
  return labels[MANAGED_BY_LABEL] === MANAGED_BY_VALUE && labels[REPOSITORY_LABEL] === context.repositoryLabel;
}

/** Paths of the diff's removals that take datacenters off a Seed (each one, or the whole map). */
function removedDatacenterPaths(live: KubeObject, diff: readonly FieldChange[]): string[] {
  const spec = live['spec'];
  const datacenters = isJsonObject(spec) && isJsonObject(spec['datacenters']) ? Object.keys(spec['datacenters']) : [];
  const paths = new Set([formatFieldPath(['spec', 'datacenters']), ...datacenters.map((name) => formatFieldPath(['spec', 'datacenters', name]))]);
  return diff.filter((c) => c.after === undefined && paths.has(c.path)).map((c) => c.path);
}

/** Our own labels and annotations change with every edit; they are shown only when nothing else changed. */
export function withoutStamp(diff: readonly FieldChange[]): FieldChange[] {
  const stamp = new Set(['metadata.annotations["gitops.kkp.dev/desired-hash"]', 'metadata.annotations["gitops.kkp.dev/source"]', 'metadata.annotations["gitops.kkp.dev/repository"]', 'metadata.labels["gitops.kkp.dev/repository"]', 'metadata.labels["app.kubernetes.io/managed-by"]']);
  const rest = diff.filter((c) => !stamp.has(c.path));
  return rest.length > 0 ? rest : [...diff];
}

function liveId(target: string, object: KubeObject): ObjectId {
  const { name, namespace } = object.metadata;
  return { target, apiVersion: object.apiVersion, kind: object.kind, name, ...(namespace ? { namespace } : {}) };
}

function orderOf(id: ObjectId): number {
  return kindInfo(id.apiVersion, id.kind)?.applyOrder ?? Number.MAX_SAFE_INTEGER;
}

function toStages(planned: readonly PlannedChange[]): PlanStage[] {
  const groups = new Map<string, PlannedChange[]>();
  for (const p of planned) {
    const key = `${p.phase}|${p.order}`;
    const group = groups.get(key);
    if (group) group.push(p);
    else groups.set(key, [p]);
  }
  const stages = [...groups.values()].map((group): PlanStage => {
    const first = group[0]!;
    const changes = group.map((p) => p.change).sort(compareChanges);
    return { phase: first.phase, order: first.order, kinds: [...new Set(changes.map((c) => c.id.kind))], changes };
  });
  return stages.sort((a, b) => (a.phase === b.phase ? (a.phase === 'apply' ? a.order - b.order : b.order - a.order) : a.phase === 'apply' ? -1 : 1));
}

function compareChanges(a: Change, b: Change): number {
  return cmp(a.id.kind, b.id.kind) || cmp(a.id.namespace ?? '', b.id.namespace ?? '') || cmp(a.id.name, b.id.name);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
