import { describe, expect, it } from 'vitest';
import { otherAnnotations, readAppliedRecord, recordAnnotations, RECORD_ANNOTATIONS, type AppliedRecord } from '../../src/coordination/applied-record.js';

describe('the applied-commit record on a Lease', () => {
  const record: AppliedRecord = {
    repository: 'acme/kkp-config',
    installationId: 42,
    defaultBranch: 'main',
    appliedCommit: 'a'.repeat(40),
    appliedAt: '2030-01-01T00:00:00.000Z',
    appliedPolicy: { allowDeletions: true, selfHeal: false, massDeletion: { maxShare: 0.8 } },
    applyingCommit: 'b'.repeat(40),
    applyingHolder: 'kkp-gitops-0-12-abcd',
    deployments: [1001, 1002],
    attemptedCommit: 'c'.repeat(40),
    attemptOutcome: 'failed',
  };

  it('reads back every field it was written with', () => {
    expect(readAppliedRecord({ annotations: recordAnnotations(record) })).toEqual(record);
  });

  it('writes the documented annotations, deployments comma-separated', () => {
    const annotations = recordAnnotations(record);
    expect(annotations[RECORD_ANNOTATIONS.appliedCommit]).toBe('a'.repeat(40));
    expect(annotations['gitops.kkp.dev/deployments']).toBe('1001,1002');
    expect(annotations['gitops.kkp.dev/installation-id']).toBe('42');
  });

  it('leaves out what is not set, so that a write clears it', () => {
    const annotations = recordAnnotations({ repository: 'acme/kkp-config', deployments: [] });
    expect(Object.keys(annotations)).toEqual([RECORD_ANNOTATIONS.repository]);
  });

  it('is absent on a Lease without a repository annotation, and ignores malformed ids', () => {
    expect(readAppliedRecord({ annotations: {} })).toBeUndefined();
    const read = readAppliedRecord({ annotations: { [RECORD_ANNOTATIONS.repository]: 'acme/x', [RECORD_ANNOTATIONS.deployments]: '12, nope,,-3', [RECORD_ANNOTATIONS.installationId]: 'x', [RECORD_ANNOTATIONS.attemptOutcome]: 'maybe' } });
    expect(read).toEqual({ repository: 'acme/x', deployments: [12] });
  });

  it('reads a policy written before the mass-deletion share was recorded with the default share, and drops a share outside 0..1', () => {
    const policyOf = (text: string) => readAppliedRecord({ annotations: { [RECORD_ANNOTATIONS.repository]: 'acme/x', [RECORD_ANNOTATIONS.appliedPolicy]: text } })?.appliedPolicy;
    expect(policyOf('allowDeletions=true,selfHeal=true')).toEqual({ allowDeletions: true, selfHeal: true, massDeletion: { maxShare: 0.5 } });
    expect(policyOf('allowDeletions=true,selfHeal=true,massDeletionMaxShare=0.25')).toEqual({ allowDeletions: true, selfHeal: true, massDeletion: { maxShare: 0.25 } });
    expect(policyOf('allowDeletions=true,selfHeal=true,massDeletionMaxShare=7')).toBeUndefined();
  });

  it('keeps annotations that are not its own', () => {
    expect(otherAnnotations({ ...recordAnnotations(record), 'example.com/note': 'kept' })).toEqual({ 'example.com/note': 'kept' });
  });
});
