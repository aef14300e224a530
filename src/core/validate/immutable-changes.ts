import type { SourceDocument } from '../load/source-document.js';
import { immutableFieldChange, immutableFieldsOf, type CompareOptions, type FieldChange, type ImmutableField } from '../model/immutable-fields.js';
import { pointerOf } from '../model/json-pointer.js';

export interface ImmutableChange {
  readonly field: ImmutableField;
  readonly change: FieldChange;
  /** JSON pointer of the changed field in the head document. */
  readonly pointer: string;
}

/** The fields of `rule` in KKP's immutable-field table that change from `before` (base) to `after` (head). */
export function immutableChanges(rule: string, before: SourceDocument, after: SourceDocument, options: CompareOptions = {}): ImmutableChange[] {
  const changes: ImmutableChange[] = [];
  for (const field of immutableFieldsOf(after.kind, rule)) {
    const change = immutableFieldChange(field, before.value, after.value, options);
    if (change) changes.push({ field, change, pointer: pointerOf(...(field.locate?.(after.value) ?? field.path)) });
  }
  return changes;
}
