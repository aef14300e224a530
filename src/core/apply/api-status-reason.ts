/**
 * The fixed form of a Kubernetes API error Status, the only part of a cluster's answer that kkp-gitops repeats
 * beyond its own log: the HTTP code and a reason from a closed list (`403 Forbidden`, `422 Invalid`,
 * `422 refused by admission webhook`). The Status' free-text `message` (which a webhook, an aggregated API or a
 * hostile server writes as it likes: Markdown, mentions, links, a fake "applied") never goes into it; nor does a
 * cause's message. A cause's `field` and `reason` are structured data and are kept when they look like a field path
 * and a Kubernetes cause type.
 */
import type { ApiErrorCause } from './api-request-error.js';

/** `metav1.StatusReason` values (k8s.io/apimachinery), repeated as they are; any other reason is not. */
const STATUS_REASONS = new Set([
  'Unauthorized',
  'Forbidden',
  'NotFound',
  'AlreadyExists',
  'Conflict',
  'Gone',
  'Invalid',
  'ServerTimeout',
  'StoreReadError',
  'Timeout',
  'TooManyRequests',
  'BadRequest',
  'MethodNotAllowed',
  'NotAcceptable',
  'RequestEntityTooLarge',
  'UnsupportedMediaType',
  'InternalError',
  'Expired',
  'ServiceUnavailable',
]);

/** Standard HTTP reason phrases for codes an API server answers with, when the Status names no known reason. */
const HTTP_REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** How the kube-apiserver words an admission webhook's denial (`admission webhook "x" denied the request: ...`). */
const WEBHOOK_DENIAL = /^admission webhook "[^"]{1,253}" denied the request/;

export interface ApiStatusSummary {
  readonly code: number;
  readonly reason?: string;
  /** Only looked at to tell a webhook's denial apart; never repeated. */
  readonly message?: string;
}

/** `403 Forbidden`, `422 Invalid`, `400 refused by admission webhook`, `418 HTTP error`. */
export function apiStatusReason(status: ApiStatusSummary): string {
  const code = Number.isInteger(status.code) && status.code >= 100 && status.code <= 599 ? status.code : 0;
  if (status.message !== undefined && WEBHOOK_DENIAL.test(status.message)) return `${code} refused by admission webhook`;
  if (status.reason !== undefined && STATUS_REASONS.has(status.reason)) return `${code} ${status.reason}`;
  return `${code} ${HTTP_REASONS[code] ?? 'HTTP error'}`;
}

const FIELD_PATH = /^[A-Za-z0-9_.[\]/-]{1,256}$/;
const CAUSE_TYPE = /^[A-Za-z]{1,64}$/;

/** The causes' field paths and types that are structured data (`spec.version: FieldValueNotSupported`), deduplicated. */
export function structuredCauses(causes: readonly ApiErrorCause[] | undefined): { readonly field?: string; readonly type?: string }[] {
  const seen = new Set<string>();
  const out: { field?: string; type?: string }[] = [];
  for (const c of causes ?? []) {
    const field = c.field !== undefined && FIELD_PATH.test(c.field) ? c.field : undefined;
    const type = c.reason !== undefined && CAUSE_TYPE.test(c.reason) ? c.reason : undefined;
    if (field === undefined && type === undefined) continue;
    const key = `${field ?? ''}|${type ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...(field !== undefined ? { field } : {}), ...(type !== undefined ? { type } : {}) });
  }
  return out;
}

/** `spec.version: FieldValueNotSupported, spec.cloud: FieldValueRequired`: at most `max` causes. */
export function describeCauses(causes: readonly ApiErrorCause[] | undefined, max = 5): string {
  const list = structuredCauses(causes);
  const shown = list.slice(0, max).map((c) => (c.field && c.type ? `${c.field}: ${c.type}` : (c.field ?? c.type ?? '')));
  return [...shown, ...(list.length > max ? [`+${list.length - max} more`] : [])].join(', ');
}
