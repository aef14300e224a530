import { isJsonObject, type KubeObject } from '../render/kube-object.js';
import { jsonEqual } from '../json-value.js';
import { formatFieldPath } from './field-path.js';
import { normalizerFor } from './comparison-rules.js';
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
      out.push(change([...path, key], l[key], undefined));
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

/**
 * What a write changes: the live object against the server's answer to its dry-run (after defaulting and
 * admission), over everything but identity, server metadata and status, both ways. Lists are compared whole.
 */
export function diffLiveAndAnswer(live: KubeObject, answer: KubeObject): FieldChange[] {
  const out: FieldChange[] = [];
  const kind = answer.kind;
  const compare = (before: Record<string, unknown>, after: Record<string, unknown>, path: string[], skip?: Set<string>) => {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (skip?.has(key)) continue;
      const b = before[key];
      const a = after[key];
      const here = [...path, key];
      if (isJsonObject(b) && isJsonObject(a)) compare(b, a, here);
      else if (!(b === undefined && a === undefined) && !valuesEqual(kind, here, b, a)) out.push(change(here, b, a));
    }
  };
  compare(live, answer, [], SKIPPED_TOP_LEVEL);
  for (const field of MANAGED_METADATA) compare(live.metadata[field] ?? {}, answer.metadata[field] ?? {}, ['metadata', field]);
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


