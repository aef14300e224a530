/**
 * The apiserver judges every planned write too: each create and update is sent once as a server-side apply with
 * `dryRun=All` and `fieldValidation=Strict` to its target. A refusal (schema error, unknown field, a webhook's
 * denial) becomes an error of the change; an accepted update's diff is recomputed against the server's answer
 * (the object after KKP's defaulting and admission), as Flux's ssa manager diffs a dry-run against the live
 * object, so defaults KKP fills in never show as changes. Unchanged, skipped and erroneous changes, and
 * deletes, send nothing: a no-op plan costs no request. A target that cannot answer is marked not dry-run.
 *
 * The dry-runs see the clusters as they are, before any of the plan's writes. A refusal of the object itself
 * (400: unknown field under Strict; 422: schema validation) is always an error. Any other refusal (a webhook's
 * denial, a missing namespace) of a change that other writes of the plan precede or accompany (same or
 * earlier apply stage, on any target) may be caused by the clusters not holding those yet: such a change is
 * marked not dry-run, with the server's words, instead of failing.
 */
import { ApiRequestError } from '../apply/api-request-error.js';
import { structuredCauses } from '../apply/api-status-reason.js';
import type { ClusterClient, TargetClients } from '../apply/cluster-client.js';
import { mapLimited } from '../apply/map-limited.js';
import { describeError, KkpGitopsError } from '../errors.js';
import { objectKey } from '../object-id.js';
import type { KubeObject } from '../render/kube-object.js';
import { withoutStamp } from './compute-plan.js';
import { diffLiveAndAnswer } from './diff-managed-fields.js';
import type { LiveState } from './live-state.js';
import type { Change, Plan, PlanStage, TargetPlan } from './plan.js';

export interface DryRunOptions {
  /** Dry-run requests in flight per target. Default: 8. */
  readonly concurrency?: number;
}

/** One refusal, with the server's field causes (`spec.cloud.aws.vpcId`), for diagnostics on the source. */
export interface DryRunRefusal {
  readonly change: Change;
  readonly message: string;
  readonly fields: readonly string[];
}

export interface DryRunOutcome {
  readonly plan: Plan;
  readonly refusals: readonly DryRunRefusal[];
}

const wantsDryRun = (c: Change): boolean => (c.action === 'create' || c.action === 'update') && c.errors.length === 0 && c.manifest !== undefined;

export async function dryRunPlan(plan: Plan, live: LiveState, clients: TargetClients, options: DryRunOptions = {}): Promise<DryRunOutcome> {
  const refusals: DryRunRefusal[] = [];
  const writeOrders = plan.targets.flatMap((t) => t.stages.filter((s) => s.phase === 'apply').flatMap((s) => s.changes.filter((c) => c.action === 'create' || c.action === 'update').map(() => s.order)));
  // Whether another write of the plan runs in the same or an earlier stage than `order`.
  const accompanied = (order: number): boolean => writeOrders.filter((o) => o <= order).length > 1;
  const liveByTarget = new Map(live.targets.map((t) => [t.target, t.reachable ? t.objects : []]));
  const targets = await Promise.all(
    plan.targets.map(async (target): Promise<TargetPlan> => {
      if (target.status !== 'ready') return { ...target, notDryRun: 'the target is unreachable' };
      const wanted = target.stages.flatMap((s) => s.changes.filter(wantsDryRun));
      if (wanted.length === 0) return target;
      const client = clients.get(target.target);
      if (!client?.dryRunApply) return { ...target, notDryRun: 'its client cannot dry-run' };
      const liveObjects = new Map((liveByTarget.get(target.target) ?? []).map((o) => [objectKey({ target: target.target, apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}) }), o]));
      const orderOf = new Map(target.stages.flatMap((s) => s.changes.map((c) => [c, s.order] as const)));
      const judged = new Map<Change, Change>();
      let unreachable: string | undefined;
      await mapLimited(wanted, options.concurrency ?? 8, async (change) => {
        if (unreachable) return;
        const result = await judge(client, change, liveObjects.get(objectKey(change.id)), accompanied(orderOf.get(change) ?? 0));
        if ('unreachable' in result) unreachable = result.unreachable;
        else {
          judged.set(change, result.change);
          if (result.refusal) refusals.push(result.refusal);
        }
      });
      const stages = target.stages.map((stage): PlanStage => ({ ...stage, changes: stage.changes.map((c) => judged.get(c) ?? c) }));
      return { ...target, stages, ...(unreachable ? { notDryRun: unreachable } : {}) };
    }),
  );
  return { plan: { ...plan, targets }, refusals };
}

const UNDECLARED = /\.([A-Za-z0-9_.[\]"/-]+): field not declared in schema/g;

/**
 * The fields a refusal is about: its causes' field paths, else the `.spec.x: field not declared in schema` paths a
 * strict apply names in its message (only those paths are taken from it, as structured data).
 */
function refusedFields(error: ApiRequestError): string[] {
  const fromCauses = structuredCauses(error.status.causes).flatMap((c) => (c.field ? [c.field] : []));
  if (fromCauses.length > 0) return fromCauses;
  return [...(error.serverMessage ?? '').matchAll(UNDECLARED)].map((m) => m[1] as string).filter((f) => f.length <= 256);
}

type Judgement = { readonly change: Change; readonly refusal?: DryRunRefusal } | { readonly unreachable: string };

/** Refusals about the object alone: strict decoding (unknown or duplicate fields) and schema validation. */
const OBJECT_REFUSALS = new Set([400, 422]);

async function judge(client: ClusterClient, change: Change, live: KubeObject | undefined, accompanied: boolean): Promise<Judgement> {
  let answer: KubeObject;
  try {
    answer = await client.dryRunApply!(change.manifest!);
  } catch (error) {
    if (error instanceof ApiRequestError && error.status.code >= 400 && error.status.code < 500 && error.status.code !== 429) {
      if (accompanied && !OBJECT_REFUSALS.has(error.status.code)) {
        return { change: { ...change, notDryRun: `refused before the plan's other changes are applied: ${error.message}` } };
      }
      // `error.message` is the fixed form (code, known reason, the causes' field paths and types): never the server's words.
      const message = `the API server refused the dry-run: ${error.message}`;
      const refused: Change = { ...change, errors: [...change.errors, message] };
      const fields = refusedFields(error);
      return { change: refused, refusal: { change: refused, message, fields } };
    }
    if (error instanceof KkpGitopsError) return { unreachable: `not dry-run: ${describeError(error)}` };
    throw error;
  }
  if (change.action !== 'update' || !live) return { change };
  const diff = diffLiveAndAnswer(live, answer);
  if (diff.length === 0) return { change: { ...change, action: 'unchanged', diff: [], drift: false, destructive: false } };
  return { change: { ...change, diff: withoutStamp(diff) } };
}
