import { managerIdentifier } from './managed-fields.js';
import { compareStrings } from './path-element.js';

/** One field an apply would take from another manager. */
export interface FieldConflict {
  /** The other manager's name. */
  readonly manager: string;
  readonly operation: 'Apply' | 'Update';
  /** The API version of the other manager's entry (printed for `Update` managers). */
  readonly apiVersion: string;
  readonly subresource?: string;
  /** The field as the apiserver prints it: `.spec.humanReadableName`. */
  readonly path: string;
}

/** A Kubernetes `StatusCause` of an apply conflict. */
export interface FieldManagerConflictCause {
  readonly type: 'FieldManagerConflict';
  readonly message: string;
  readonly field: string;
}

/** How the apiserver names a manager in conflicts: `"kubectl-client-side-apply" using kubermatic.k8c.io/v1`. */
export function describeConflictManager(conflict: FieldConflict): string {
  let text = JSON.stringify(conflict.manager);
  if (conflict.subresource !== undefined && conflict.subresource !== '') text += ` with subresource ${JSON.stringify(conflict.subresource)}`;
  if (conflict.operation === 'Update') text += ` using ${conflict.apiVersion}`;
  return text;
}

/**
 * The apiserver's message for a refused apply:
 * `Apply failed with 1 conflict: conflict with "m" using v1: .spec.x`, or for several
 * `Apply failed with 2 conflicts: conflicts with "m" using v1:\n- .spec.x\n- .spec.y` (managers sorted).
 */
export function conflictMessage(conflicts: readonly FieldConflict[]): string {
  const [only] = conflicts;
  if (conflicts.length === 1 && only !== undefined) {
    return `Apply failed with 1 conflict: conflict with ${describeConflictManager(only)}: ${only.path}`;
  }
  const byManager = new Map<string, FieldConflict[]>();
  for (const conflict of conflicts) {
    const key = managerIdentifier(conflict);
    byManager.set(key, [...(byManager.get(key) ?? []), conflict]);
  }
  const lines: string[] = [];
  for (const key of [...byManager.keys()].sort(compareStrings)) {
    const group = byManager.get(key) as FieldConflict[];
    lines.push(`conflicts with ${describeConflictManager(group[0] as FieldConflict)}:`);
    for (const conflict of group) lines.push(`- ${conflict.path}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/** The `details.causes` of the apiserver's 409 for a refused apply, one per conflicting field. */
export function conflictStatusCauses(conflicts: readonly FieldConflict[]): FieldManagerConflictCause[] {
  return conflicts.map((conflict) => ({
    type: 'FieldManagerConflict',
    message: `conflict with ${describeConflictManager(conflict)}`,
    field: conflict.path,
  }));
}
