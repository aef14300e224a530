import { describe, expect, it } from 'vitest';
import { applyServerSide, conflictMessage, conflictStatusCauses, type FieldConflict } from '../../../src/emulator/ssa/index.js';
import { apiVersion, cluster, clusterSchema, T0, T1, T2 } from './fixtures.js';

describe('conflict messages', () => {
  it('formats one conflict with an Update manager as the apiserver does', () => {
    const conflicts: FieldConflict[] = [
      { manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion, path: '.spec.humanReadableName' },
    ];
    expect(conflictMessage(conflicts)).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using kubermatic.k8c.io/v1: .spec.humanReadableName',
    );
    expect(conflictStatusCauses(conflicts)).toEqual([
      {
        type: 'FieldManagerConflict',
        message: 'conflict with "kubectl-client-side-apply" using kubermatic.k8c.io/v1',
        field: '.spec.humanReadableName',
      },
    ]);
  });

  it('formats several conflicts grouped by manager, appliers without a version, subresources named', () => {
    const conflicts: FieldConflict[] = [
      { manager: 'zed', operation: 'Apply', apiVersion, path: '.spec.a' },
      { manager: 'alice', operation: 'Update', apiVersion: 'v1', subresource: 'status', path: '.status.phase' },
      { manager: 'zed', operation: 'Apply', apiVersion, path: '.spec.b' },
    ];
    expect(conflictMessage(conflicts)).toBe(
      'Apply failed with 3 conflicts: conflicts with "alice" with subresource "status" using v1:\n- .status.phase\nconflicts with "zed":\n- .spec.a\n- .spec.b',
    );
  });

  it('reports every conflicting field of every other manager from a real apply', () => {
    const options = { force: false, apiVersion, schema: clusterSchema };
    const first = applyServerSide(undefined, cluster({ humanReadableName: 'A', version: '1' }), { ...options, manager: 'alice', now: T0 });
    if (!first.ok) throw new Error('unexpected conflict');
    const second = applyServerSide(first.object, cluster({ cloud: { dc: 'eu' } }), { ...options, manager: 'bob', now: T1 });
    if (!second.ok) throw new Error('unexpected conflict');
    const third = applyServerSide(second.object, cluster({ humanReadableName: 'B', version: '2', cloud: { dc: 'us' } }), {
      ...options,
      manager: 'carol',
      now: T2,
    });
    expect(third.ok).toBe(false);
    if (third.ok) return;
    expect(conflictMessage(third.conflicts)).toBe(
      'Apply failed with 3 conflicts: conflicts with "alice":\n- .spec.humanReadableName\n- .spec.version\nconflicts with "bob":\n- .spec.cloud.dc',
    );
  });
});
