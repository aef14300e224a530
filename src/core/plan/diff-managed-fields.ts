import { isJsonObject, type KubeObject } from '../render/kube-object.js';
import { jsonEqual } from '../json-value.js';
import { formatFieldPath } from './field-path.js';
import { isWebhookDefaulted, normalizerFor } from './comparison-rules.js';
import type { OwnedFields } from './owned-fields.js';
import type { FieldChange } from './plan.js';
import { redact } from './sensitive-values.js';

export interface DiffOptions {
  /** Fields kkp-gitops owns on the live object (server-side apply); live fields outside desired are ignored unless owned. */
  readonly owned?: OwnedFields;
  /** Report owned live fields that desired no longer sets as removals. Default: true. */
  readonly removals?: boolean;
}

/** Top-level fields that are never compared: identity, and what the API server and controllers own. */
const SKIPPED_TOP_LEVEL = new Set(['apiVersion', 'kind', 'metadata', 'status']);
/** The only metadata fields kkp-gitops manages (name and namespace are the identity). */
const MANAGED_METADATA = ['labels', 'annotations'] as const;

/**
 * The differences between a desired manifest and a live object, over the fields kkp-gitops manages only:
 * every field desired sets, plus (as removals) fields kkp-gitops owns on the live object that desired no longer
 * sets. Live fields nobody in Git asked for (status, server metadata, webhook defaults, other managers' fields)
 * are left out. Lists are compared whole (KKP's lists are atomic). Sensitive values are redacted.
 */
export function diffManagedFields(desired: KubeObject, live: KubeObject, options: DiffOptions = {}): FieldChange[] {
  const out: FieldChange[] = [];
  const kind = desired.kind;
  const removals = options.removals ?? true;
  const owned = removals ? options.owned : undefined;
  const compareLevel = (d: Record<string, unknown>, l: Record<string, unknown>, o: OwnedFields | undefined, path: string[], skip?: Set<string>) => {
    for (const [key, dv] of Object.entries(d)) {
      if (skip?.has(key) || dv === undefined) continue;
      const lv = l[key];
      const here = [...path, key];
      if (isJsonObject(dv) && isJsonObject(lv)) {
        compareLevel(dv, lv, o?.[key], here);
      } else if (!valuesEqual(kind, here, dv, lv)) {
        out.push(change(here, lv, dv));
      }
    }
    if (!o) return;
    for (const key of Object.keys(o)) {
      if (skip?.has(key) || d[key] !== undefined || l[key] === undefined) continue;
      const here = [...path, key];
      if (isWebhookDefaulted(kind, here)) continue;
      out.push(change(here, l[key], undefined));
    }
  };
  compareLevel(desired, live, owned, [], SKIPPED_TOP_LEVEL);
  for (const field of MANAGED_METADATA) {
    const d = desired.metadata[field] ?? {};
    const l = live.metadata[field] ?? {};
    compareLevel(d, l, owned?.['metadata']?.[field], ['metadata', field]);
  }
  return out;
}

/** Every field a manifest sets, as a diff from nothing (a create) or to nothing (a delete). */
export function diffWholeObject(object: KubeObject, side: 'after' | 'before'): FieldChange[] {
  const out: FieldChange[] = [];
  const walk = (value: Record<string, unknown>, path: string[]) => {
    for (const [key, v] of Object.entries(value)) {
      if (v === undefined) continue;
      const here = [...path, key];
      if (isJsonObject(v) && Object.keys(v).length > 0) walk(v, here);
      else out.push(side === 'after' ? change(here, undefined, v) : change(here, v, undefined));
    }
  };
  const { apiVersion: _a, kind: _k, metadata, status: _s, ...rest } = object;
  for (const field of MANAGED_METADATA) if (metadata[field]) walk({ [field]: metadata[field] }, ['metadata']);
  walk(rest, []);
  return out;
}

function change(path: string[], before: unknown, after: unknown): FieldChange {
  const name = path[path.length - 1];
  return {
    path: formatFieldPath(path),
    ...(before !== undefined ? { before: redact(name, before) } : {}),
    ...(after !== undefined ? { after: redact(name, after) } : {}),
  };
}

function valuesEqual(kind: string, path: readonly string[], a: unknown, b: unknown): boolean {
  const normalize = normalizerFor(kind, path);
  return normalize ? jsonEqual(normalize(a), normalize(b)) : jsonEqual(a, b);
}


