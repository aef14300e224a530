import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../../src/core/apply/api-request-error.js';
import { applyPlan } from '../../src/core/apply/apply-plan.js';
import type { ClusterClient } from '../../src/core/apply/cluster-client.js';
import { ClusterUnreachableError } from '../../src/core/errors.js';
import type { ObjectId } from '../../src/core/object-id.js';
import type { Change, Plan, PlanStage } from '../../src/core/plan/plan.js';
import type { KubeObject } from '../../src/core/render/kube-object.js';

const V1 = 'kubermatic.k8c.io/v1';

function change(target: string, kind: string, name: string, action: Change['action'], extra: Partial<Change> = {}): Change {
  const id: ObjectId = { target, apiVersion: V1, kind, name };
  const manifest: KubeObject = { apiVersion: V1, kind, metadata: { name } };
  return { id, action, diff: [], destructive: false, drift: false, errors: [], ...(action === 'create' || action === 'update' ? { manifest } : {}), ...extra };
}

function stage(order: number, changes: Change[], phase: PlanStage['phase'] = 'apply'): PlanStage {
  return { phase, order, kinds: [...new Set(changes.map((c) => c.id.kind))], changes };
}

function plan(targets: Plan['targets']): Plan {
  return { type: 'plan', repository: 'acme/kkp-config', allowDeletions: false, targets, unrendered: [] };
}

/** A client that records every write, fails the names it is told to, and tracks how many writes run at once. */
function recordingClient(target: string, failing: Record<string, Error> = {}) {
  const writes: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const write = async (what: string, name: string) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setImmediate(r));
    inFlight--;
    writes.push(what);
    const failure = failing[name];
    if (failure) throw failure;
  };
  const client: ClusterClient = {
    target,
    list: async () => [],
    apply: async (object, options) => {
      await write(`apply ${object.kind}/${object.metadata.name}${options.force ? ' force' : ''}${options.dryRun ? ' dry-run' : ''}`, object.metadata.name);
    },
    delete: async (id, options) => write(`delete ${id.kind}/${id.name} uid=${options.uid ?? ''}`, id.name),
  };
  return { client, writes, maxInFlight: () => maxInFlight };
}

describe('applyPlan', () => {
  it('writes creates, updates and deletes in stage order and nothing for unchanged or skipped objects', async () => {
    const master = recordingClient('master');
    const p = plan([
      {
        target: 'master',
        status: 'ready',
        stages: [
          stage(10, [change('master', 'Seed', 'seed-eu', 'unchanged')]),
          stage(20, [change('master', 'Project', 'p1', 'create'), change('master', 'User', 'u1', 'skip', { reason: 'drift' })]),
          stage(30, [change('master', 'UserSSHKey', 'k1', 'update')]),
          stage(30, [change('master', 'UserProjectBinding', 'b1', 'delete', { uid: 'uid-b1' })], 'delete'),
        ],
      },
    ]);
    const result = await applyPlan(p, new Map([['master', master.client]]));
    expect(master.writes).toEqual(['apply Project/p1', 'apply UserSSHKey/k1', 'delete UserProjectBinding/b1 uid=uid-b1']);
    expect(result.targets[0]?.status).toBe('applied');
    expect(result.targets[0]?.stages.flatMap((s) => s.changes.map((c) => `${c.action} ${c.id.name}`))).toEqual([
      'unchanged seed-eu',
      'create p1',
      'skip u1',
      'update k1',
      'delete b1',
    ]);
  });

  it('stops the later stages of a target whose stage failed, collects every failure of that stage, and lets other targets go on', async () => {
    const conflict = new ApiRequestError('apply refused (409 Conflict)', {
      code: 409,
      reason: 'Conflict',
      causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-edit" using kubermatic.k8c.io/v1', field: '.spec.name' }],
    });
    const master = recordingClient('master', { p1: conflict, p2: new Error('boom') });
    const seed = recordingClient('seed-eu');
    const p = plan([
      {
        target: 'master',
        status: 'ready',
        stages: [
          stage(20, [change('master', 'Project', 'p1', 'update'), change('master', 'Project', 'p2', 'create'), change('master', 'Project', 'p3', 'create')]),
          stage(30, [change('master', 'UserSSHKey', 'k1', 'create')]),
        ],
      },
      { target: 'seed-eu', status: 'ready', stages: [stage(40, [change('seed-eu', 'Cluster', 'c1', 'create')])] },
    ]);
    const result = await applyPlan(p, new Map([['master', master.client], ['seed-eu', seed.client]]));
    const [m, s] = result.targets;
    expect(m?.status).toBe('failed');
    const first = m?.stages[0]?.changes ?? [];
    expect(first.map((c) => [c.id.name, c.error?.reason ?? c.error?.message ?? 'ok'])).toEqual([
      ['p1', 'Conflict'],
      ['p2', 'boom'],
      ['p3', 'ok'],
    ]);
    expect(first[0]?.error?.conflictManagers).toEqual(['kubectl-edit']);
    expect(m?.stages[1]?.changes[0]).toMatchObject({ action: 'skip', plannedAction: 'create' });
    expect(master.writes).not.toContain('apply UserSSHKey/k1');
    expect(s?.status).toBe('applied');
    expect(seed.writes).toEqual(['apply Cluster/c1']);
  });

  it('writes every target’s stages in the kind table’s order: the master’s Seeds and Projects before any seed’s Clusters, deletes in reverse', async () => {
    const log: string[] = [];
    const logging = (target: string): ClusterClient => ({
      target,
      list: async () => [],
      apply: async (object) => {
        await new Promise((r) => setImmediate(r));
        log.push(`${target} apply ${object.kind}`);
      },
      delete: async (id) => {
        log.push(`${target} delete ${id.kind}`);
      },
    });
    const p = plan([
      { target: 'master', status: 'ready', stages: [stage(10, [change('master', 'Seed', 's', 'create')]), stage(20, [change('master', 'Project', 'p', 'create')]), stage(10, [change('master', 'Seed', 'old', 'delete')], 'delete')] },
      { target: 'seed-eu', status: 'ready', stages: [stage(40, [change('seed-eu', 'Cluster', 'c', 'create')]), stage(40, [change('seed-eu', 'Cluster', 'gone', 'delete')], 'delete')] },
    ]);
    await applyPlan(p, new Map([['master', logging('master')], ['seed-eu', logging('seed-eu')]]));
    expect(log).toEqual(['master apply Seed', 'master apply Project', 'seed-eu apply Cluster', 'seed-eu delete Cluster', 'master delete Seed']);
  });

  it('keeps at most `concurrency` writes in flight per target', async () => {
    const master = recordingClient('master');
    const changes = Array.from({ length: 20 }, (_, i) => change('master', 'Project', `p${i}`, 'create'));
    await applyPlan(plan([{ target: 'master', status: 'ready', stages: [stage(20, changes)] }]), new Map([['master', master.client]]), { concurrency: 3 });
    expect(master.writes).toHaveLength(20);
    expect(master.maxInFlight()).toBe(3);
  });

  it('never writes a change the plan marked with errors, and counts its stage as failed', async () => {
    const seed = recordingClient('seed-eu');
    const p = plan([
      {
        target: 'seed-eu',
        status: 'ready',
        stages: [stage(40, [change('seed-eu', 'Cluster', 'c1', 'update', { errors: ['spec.cloud.dc cannot change once set'] }), change('seed-eu', 'Cluster', 'c2', 'update')])],
      },
    ]);
    const result = await applyPlan(p, new Map([['seed-eu', seed.client]]));
    expect(seed.writes).toEqual(['apply Cluster/c2']);
    expect(result.targets[0]?.stages[0]?.changes[0]?.error).toEqual({ message: 'spec.cloud.dc cannot change once set', reason: 'PlanError' });
    expect(result.targets[0]?.status).toBe('failed');
  });

  it('reports an unreachable target without writing to it, and passes force and dry-run to every write', async () => {
    const master = recordingClient('master');
    const p = plan([
      { target: 'master', status: 'ready', stages: [stage(20, [change('master', 'Project', 'p1', 'create')])] },
      { target: 'seed-us', status: 'unreachable', error: 'connection refused', stages: [] },
    ]);
    const progress: string[] = [];
    const result = await applyPlan(p, new Map([['master', master.client]]), { force: true, dryRun: true, onProgress: (e) => progress.push(`${e.done}/${e.total} ${e.id.name}`) });
    expect(master.writes).toEqual(['apply Project/p1 force dry-run']);
    expect(result.dryRun).toBe(true);
    expect(result.targets[1]).toMatchObject({ target: 'seed-us', status: 'unreachable', error: 'connection refused' });
    expect(progress).toEqual(['1/1 p1']);
  });

  it('records a target that goes away during the apply as per-object unreachable errors', async () => {
    const seed = recordingClient('seed-eu', { c1: new ClusterUnreachableError('seed-eu', 'seed-eu is unreachable (apply: ECONNREFUSED)') });
    const p = plan([{ target: 'seed-eu', status: 'ready', stages: [stage(40, [change('seed-eu', 'Cluster', 'c1', 'create')])] }]);
    const result = await applyPlan(p, new Map([['seed-eu', seed.client]]));
    expect(result.targets[0]?.stages[0]?.changes[0]?.error).toEqual({ message: 'seed-eu is unreachable (apply: ECONNREFUSED)', reason: 'Unreachable' });
  });
});
