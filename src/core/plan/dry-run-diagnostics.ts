/**
 * Dry-run refusals as diagnostics on the document each object was rendered from, at the field the API server
 * named (its Status causes, or the `.spec.x: field not declared in schema` of a strict apply), so they annotate
 * the pull request like the validator's own findings. The message is the refusal's fixed form (HTTP code, known
 * reason, the causes' field paths and types), never the server's own words.
 */
import type { Diagnostic } from '../diagnostic.js';
import type { LoadedRepository } from '../load/loaded-repository.js';
import type { DryRunRefusal } from './dry-run-plan.js';

export const DRY_RUN_RULE = 'apiserver/dry-run-refused';

/** `spec.list[0].name` or `.spec.x` → `/spec/list/0/name`. */
export function fieldToPointer(field: string): string {
  const segments = field
    .replace(/^\./, '')
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((s) => s !== '');
  return segments.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

export function dryRunDiagnostics(refusals: readonly DryRunRefusal[], head: LoadedRepository): Diagnostic[] {
  // A change's source is `<file>:<line>` of its document (see `renderDesiredState`).
  const documents = new Map(head.documents.map((d) => [`${d.file}:${d.locate('').line}`, d]));
  return refusals.map((refusal): Diagnostic => {
    const source = refusal.change.source ?? '';
    const doc = documents.get(source);
    const pointer = refusal.fields.map(fieldToPointer)[0] ?? '';
    const file = doc?.file ?? source.replace(/:\d+$/, '');
    const range = doc ? doc.locate(pointer, { key: true }) : { line: 1, column: 1, endLine: 1, endColumn: 1 };
    return { file, pointer, rule: DRY_RUN_RULE, severity: 'error', message: refusal.message, ...range };
  });
}
