import type { SourceDocument } from '../load/source-document.js';
import { describeValue, immutableFieldChange, immutableFieldsOf, type CompareOptions, type FieldChange, type ImmutableField } from '../model/immutable-fields.js';
import { diagnosticAt } from './diagnostic-at.js';
import type { RepositoryIndex } from './repository-index.js';
import type { Rule } from './rule.js';
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

export interface ImmutableFieldRuleOptions {
  readonly id: string;
  readonly kind: 'User' | 'UserSSHKey';
  readonly description: string;
  /** The base's object of the same name. */
  readonly before: (base: RepositoryIndex, name: string) => SourceDocument | undefined;
  /** The message for a change of one object (`e-mail of User "alice" cannot change`), without the values. */
  readonly message: (name: string) => string;
  readonly hint: string;
}

/** A change rule for fields of KKP's immutable-field table that one rule reports: one diagnostic per changed field. */
export function immutableFieldRule(options: ImmutableFieldRuleOptions): Rule {
  return {
    id: options.id,
    description: options.description,
    check({ head, base }) {
      if (!base) return [];
      return head.documentsOf(options.kind).flatMap((doc) => {
        const before = options.before(base, doc.name);
        if (!before) return [];
        return immutableChanges(options.id, before, doc).map(({ change, pointer }) =>
          diagnosticAt(doc, pointer, {
            rule: options.id,
            message: `${options.message(doc.name)} (${describeValue(change.before)} → ${describeValue(change.after)})`,
            hint: options.hint,
          }),
        );
      });
    },
  };
}
