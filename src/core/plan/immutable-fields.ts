import { IMMUTABLE_FIELDS, immutableFieldChange } from '../model/immutable-fields.js';
import type { KubeObject } from '../render/kube-object.js';

/**
 * The changes KKP would refuse on an update of `live` to `desired`, as messages (the table in
 * `model/immutable-fields.ts`). Only fields desired sets are checked: a field Git leaves to KKP's defaults keeps its
 * live value.
 */
export function immutableFieldErrors(desired: KubeObject, live: KubeObject): string[] {
  const errors: string[] = [];
  for (const field of IMMUTABLE_FIELDS) {
    if (field.kind !== desired.kind) continue;
    const change = immutableFieldChange(field, live, desired);
    if (!change) continue;
    const unless = field.unlessLabel ? ` (unless the ${desired.kind} carries the label '${field.unlessLabel}')` : '';
    errors.push(`${field.name} cannot change once set${unless}: ${JSON.stringify(change.before)} → ${JSON.stringify(change.after)}`);
  }
  return errors;
}
