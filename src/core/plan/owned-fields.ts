/**
 * Which fields one field manager owns on a live object, from `metadata.managedFields` (FieldsV1).
 * Only object fields (`f:<name>`) are followed: KKP's lists are atomic, so a list is owned as one field.
 * Written for the engine's narrow need (find fields kkp-gitops applied that Git no longer sets).
 */
import type { KubeObject } from '../render/kube-object.js';
import { isJsonObject } from '../render/kube-object.js';

/** Field name → the owned fields under it (empty when the field is owned as a whole). */
export interface OwnedFields {
  readonly [field: string]: OwnedFields;
}

/** The union of the fields `manager` owns through server-side apply on the main resource (not `/status`). */
export function ownedFields(live: KubeObject, manager: string): OwnedFields | undefined {
  const entries = (live.metadata.managedFields ?? []).filter(
    (e) => e.manager === manager && e.operation === 'Apply' && (e.subresource === undefined || e.subresource === '') && isJsonObject(e.fieldsV1),
  );
  if (entries.length === 0) return undefined;
  const tree: Record<string, unknown> = {};
  for (const entry of entries) merge(tree, decode(entry.fieldsV1 as Record<string, unknown>));
  return tree as OwnedFields;
}

function decode(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (!key.startsWith('f:')) continue;
    out[key.slice(2)] = isJsonObject(value) ? decode(value) : {};
  }
  return out;
}

function merge(into: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(from)) {
    const existing = into[key];
    if (isJsonObject(existing) && isJsonObject(value)) merge(existing, value);
    else into[key] = value;
  }
}
