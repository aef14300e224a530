/** What a request path means, as the apiserver's RequestInfoFactory reads it. */

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceRequest {
  readonly kind: 'resource';
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
  readonly verb: Verb;
}

export interface NonResourceRequest {
  readonly kind: 'nonresource';
  readonly path: string;
}

export type RequestInfo = ResourceRequest | NonResourceRequest;

/** Namespace subresources: `/api/v1/namespaces/<name>/status` is the namespace's status, not a resource. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function parseRequestInfo(method: string, path: string, watchParam: boolean): RequestInfo {
  const parts = path.split('/').filter((p) => p.length > 0);
  let rest: string[];
  let group: string;
  let version: string;
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1] as string;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1] as string;
    version = parts[2] as string;
    rest = parts.slice(3);
  } else return { kind: 'nonresource', path };

  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2] as string)) rest = rest.slice(2);
    else namespace = undefined;
  }
  const [resource, name, subresource] = rest;
  if (!resource) return { kind: 'nonresource', path };
  const verb = verbOf(method, name !== undefined, watchPath || watchParam);
  return {
    kind: 'resource',
    group,
    version,
    resource,
    verb,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(subresource !== undefined ? { subresource } : {}),
  };
}

function verbOf(method: string, hasName: boolean, watch: boolean): Verb {
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (watch) return 'watch';
      return hasName ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return 'get';
  }
}
