/**
 * `Status` objects as the kube-apiserver returns them, and `ApiError`, the one error the emulator's request
 * handling throws: it carries the Status that becomes the response.
 */

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  /** Warnings raised before the request failed (unknown fields under `fieldValidation=Warn`): sent anyway. */
  readonly warnings: string[] = [];

  constructor(
    readonly status: Status,
    readonly headers: Record<string, string> = {},
  ) {
    super(status.message ?? status.reason ?? `HTTP ${status.code}`);
    this.name = 'ApiError';
  }
}

/** How the apiserver names a resource in messages: `clusters.kubermatic.k8c.io`, or `configmaps` for core. */
export interface ResourceName {
  readonly group: string;
  readonly plural: string;
  readonly kind: string;
}

function qualified(r: ResourceName): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}

function failure(code: number, reason: string, message: string, details?: StatusDetails): Status {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) status.details = details;
  return status;
}

function detailsFor(r: ResourceName, name: string): StatusDetails {
  return r.group ? { name, group: r.group, kind: r.plural } : { name, kind: r.plural };
}

export function notFound(r: ResourceName, name: string): ApiError {
  return new ApiError(failure(404, 'NotFound', `${qualified(r)} "${name}" not found`, detailsFor(r, name)));
}

export function namespaceNotFound(namespace: string): ApiError {
  return notFound({ group: '', plural: 'namespaces', kind: 'Namespace' }, namespace);
}

/** A path the server does not serve at all. */
export function pathNotFound(): ApiError {
  return new ApiError(failure(404, 'NotFound', 'the server could not find the requested resource', {}));
}

export function alreadyExists(r: ResourceName, name: string): ApiError {
  return new ApiError(failure(409, 'AlreadyExists', `${qualified(r)} "${name}" already exists`, detailsFor(r, name)));
}

export function conflict(r: ResourceName, name: string, detail: string, causes?: StatusCause[]): ApiError {
  const details = detailsFor(r, name);
  if (causes) details.causes = causes;
  return new ApiError(failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(r)} "${name}": ${detail}`, details));
}

/** The 409 of a refused server-side apply: the conflict text as the message, one cause per field. */
export function applyConflict(message: string, causes: StatusCause[]): ApiError {
  return new ApiError(failure(409, 'Conflict', message, { causes }));
}

export function staleResourceVersion(r: ResourceName, name: string): ApiError {
  return conflict(r, name, 'the object has been modified; please apply your changes to the latest version and try again');
}

/** A field error as apimachinery's `field.Error`: `type` is the human half of the reason. */
export interface FieldError {
  readonly field: string;
  readonly type: 'Invalid' | 'Required' | 'NotSupported' | 'Forbidden' | 'Duplicate' | 'TooLong' | 'TooMany';
  readonly value?: unknown;
  readonly detail?: string;
  /** For NotSupported: the allowed values. */
  readonly supported?: readonly unknown[];
}

const CAUSE_REASON: Record<FieldError['type'], string> = {
  Invalid: 'FieldValueInvalid',
  Required: 'FieldValueRequired',
  NotSupported: 'FieldValueNotSupported',
  Forbidden: 'FieldValueForbidden',
  Duplicate: 'FieldValueDuplicate',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
};

function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'object') return Array.isArray(value) ? '[]interface {}' : 'map[string]interface {}';
  return String(value);
}

/** The part of a field error after `<field>: `, e.g. `Invalid value: "x": must be an integer`. */
export function fieldErrorBody(e: FieldError): string {
  switch (e.type) {
    case 'Invalid':
      return `Invalid value: ${formatValue(e.value)}${e.detail ? `: ${e.detail}` : ''}`;
    case 'Required':
      return `Required value${e.detail ? `: ${e.detail}` : ''}`;
    case 'NotSupported':
      return `Unsupported value: ${formatValue(e.value)}${e.supported ? `: supported values: ${e.supported.map((v) => formatValue(v)).join(', ')}` : ''}`;
    case 'Forbidden':
      return `Forbidden${e.detail ? `: ${e.detail}` : ''}`;
    case 'Duplicate':
      return `Duplicate value: ${formatValue(e.value)}`;
    case 'TooLong':
      return `Too long${e.detail ? `: ${e.detail}` : ''}`;
    case 'TooMany':
      return `Too many: ${formatValue(e.value)}${e.detail ? `: ${e.detail}` : ''}`;
  }
}

/** 422 Invalid: `Cluster.kubermatic.k8c.io "x" is invalid: spec.cloud.dc: Invalid value: ...`. */
export function invalid(kind: string, group: string, name: string, errors: readonly FieldError[]): ApiError {
  const texts = errors.map((e) => `${e.field}: ${fieldErrorBody(e)}`);
  const joined = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const details: StatusDetails = { kind, causes: errors.map((e) => ({ reason: CAUSE_REASON[e.type], message: fieldErrorBody(e), field: e.field })) };
  if (name) details.name = name;
  if (group) details.group = group;
  return new ApiError(failure(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${joined}`, details));
}

export function badRequest(message: string): ApiError {
  return new ApiError(failure(400, 'BadRequest', message));
}

export function forbidden(r: ResourceName, name: string, detail: string): ApiError {
  return new ApiError(failure(403, 'Forbidden', `${qualified(r)} "${name}" is forbidden: ${detail}`, detailsFor(r, name)));
}

/** What an admission webhook's denial looks like to the client. */
export function admissionDenied(webhook: string, message: string, code = 403, reason = 'Forbidden'): ApiError {
  return new ApiError(failure(code, reason, `admission webhook "${webhook}" denied the request: ${message}`));
}

/** 415: the body's media type is not one the resource accepts (strategic merge on a custom resource). */
export function unsupportedMediaType(accepted: readonly string[]): ApiError {
  return new ApiError(failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`, {}));
}

export function methodNotAllowed(verb: string, r: ResourceName): ApiError {
  return new ApiError(failure(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${qualified(r)}"`, {}));
}

export function expired(message: string): Status {
  return failure(410, 'Expired', message);
}

export function internalError(message: string): ApiError {
  return new ApiError(failure(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }));
}

export function serviceUnavailable(message: string): ApiError {
  return new ApiError(failure(503, 'ServiceUnavailable', message));
}

export function tooManyRequests(retryAfterSeconds: number): ApiError {
  return new ApiError(failure(429, 'TooManyRequests', 'the server has received too many requests and has asked us to try again later', { retryAfterSeconds }), {
    'Retry-After': String(retryAfterSeconds),
  });
}

export function success(details?: StatusDetails): Status {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 };
  if (details) status.details = details;
  return status;
}
