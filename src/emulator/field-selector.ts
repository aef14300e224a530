/** Field selectors the emulator supports: `metadata.name` and `metadata.namespace` with =, == and !=. */
import { badRequest } from './api-status.js';
import type { KubeObject } from './kube-object.js';

export interface FieldRequirement {
  readonly field: 'metadata.name' | 'metadata.namespace';
  readonly negated: boolean;
  readonly value: string;
}

export function parseFieldSelector(text: string | null | undefined): FieldRequirement[] {
  if (!text) return [];
  return text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((part) => {
      const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(part);
      const field = m?.[1]?.trim();
      if (!m || (field !== 'metadata.name' && field !== 'metadata.namespace')) {
        throw badRequest(`"${field ?? part}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
      }
      return { field, negated: m[2] === '!=', value: (m[3] ?? '').trim() };
    });
}

export function matchesFields(requirements: readonly FieldRequirement[], object: KubeObject): boolean {
  for (const r of requirements) {
    const actual = (r.field === 'metadata.name' ? object.metadata.name : object.metadata.namespace) ?? '';
    if ((actual === r.value) === r.negated) return false;
  }
  return true;
}
