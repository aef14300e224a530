/**
 * Authorization for one emulated cluster, on when the emulator is started with `authorization: true`: ServiceAccount
 * tokens (issued in-process by `issueServiceAccountToken`, as the TokenRequest API would) authenticate requests, the
 * cluster's own Roles, ClusterRoles and bindings decide them (`rbacAllows`), and a refusal is Kubernetes' 403 Status.
 * `SelfSubjectAccessReview` answers what a token may do, so `kubectl auth can-i` works.
 *
 * As with a kube-apiserver's bootstrap policy, every authenticated user may read discovery, OpenAPI, `/version` and
 * the health endpoints, and ask a SelfSubjectAccessReview. A request without credentials is the cluster's
 * administrator (the sandbox's own kubeconfig, for setting tests up), who may impersonate (`Impersonate-User`); an
 * unknown token is 401.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../api-status.js';
import { decodeBody, mediaType, readBody } from '../request-body.js';
import { decodeAccessReviewProtobuf } from './access-review-protobuf.js';
import type { RequestInfo } from '../request-info.js';
import type { VirtualCluster } from '../virtual-cluster.js';
import { forbiddenMessage, rbacAllows, serviceAccountUser, type Attributes, type Binding, type PolicyRule, type RbacPolicy, type UserInfo } from './authorize.js';
import { CLUSTER_ROLE_BINDINGS, CLUSTER_ROLES, RBAC_RESOURCES, ROLE_BINDINGS, ROLES, SERVICE_ACCOUNTS } from './rbac-resource-types.js';

export interface RbacAuthorizer {
  /** A bearer token that authenticates as the ServiceAccount (which must exist when the token is used). */
  issueServiceAccountToken(namespace: string, name: string): string;
  /**
   * Decides one request: returns true when it answered it itself (a SelfSubjectAccessReview); throws the 401/403
   * `ApiError` when refused; returns false when the request goes on.
   */
  handle(req: IncomingMessage, res: ServerResponse, info: RequestInfo, path: string): Promise<boolean>;
}

/** Paths every authenticated user may GET (the bootstrap ClusterRoles system:discovery and system:public-info-viewer). */
const PUBLIC_PATHS = [/^\/api(\/.*)?$/, /^\/apis(\/.*)?$/, /^\/openapi\/.*$/, /^\/version\/?$/, /^\/(healthz|readyz|livez)(\/.*)?$/];

const SSAR_PATH = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';

export function createRbacAuthorizer(cluster: VirtualCluster): RbacAuthorizer {
  // Served like a CRD's types, so that discovery, kubectl and server-side apply know them.
  cluster.registry.setCrd('rbac.emulator.kkp-gitops.io', RBAC_RESOURCES);
  const tokens = new Map<string, { namespace: string; name: string }>();

  const policy = (): RbacPolicy => {
    const items = (type: typeof ROLES) => cluster.list(type, undefined).entries.map((e) => e.object as unknown as Record<string, unknown>);
    const binding = (o: Record<string, unknown>, namespaced: boolean): Binding => {
      const metadata = o['metadata'] as { namespace?: string };
      return { ...(namespaced && metadata.namespace ? { namespace: metadata.namespace } : {}), roleRef: o['roleRef'] as Binding['roleRef'], subjects: (o['subjects'] as Binding['subjects'] | undefined) ?? [] };
    };
    const bindings = [...items(CLUSTER_ROLE_BINDINGS).map((o) => binding(o, false)), ...items(ROLE_BINDINGS).map((o) => binding(o, true))];
    return {
      bindings,
      rulesOf: (kind, name, namespace) => {
        const found = kind === 'Role' ? cluster.find(ROLES, namespace, name) : cluster.find(CLUSTER_ROLES, undefined, name);
        return found ? (((found as unknown as Record<string, unknown>)['rules'] as PolicyRule[] | undefined) ?? []) : undefined;
      },
    };
  };

  const authenticate = (req: IncomingMessage): UserInfo | 'admin' => {
    const header = req.headers.authorization;
    if (!header) {
      // The administrator may impersonate (`kubectl --as=system:serviceaccount:<ns>:<name>`): kubectl sends no bearer
      // token over plain HTTP, so this is how kubectl checks what a ServiceAccount may do against the emulator.
      const as = req.headers['impersonate-user'];
      if (typeof as !== 'string' || as === '') return 'admin';
      const account = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(as);
      if (account) return serviceAccountUser(account[1]!, account[2]!);
      const groups = req.headers['impersonate-group'];
      return { name: as, groups: [...(Array.isArray(groups) ? groups : typeof groups === 'string' ? [groups] : []), 'system:authenticated'] };
    }
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const account = token ? tokens.get(token) : undefined;
    if (!account || !cluster.find(SERVICE_ACCOUNTS, account.namespace, account.name)) throw unauthorized();
    return serviceAccountUser(account.namespace, account.name);
  };

  return {
    issueServiceAccountToken(namespace, name) {
      const token = `emulator-sa-${randomBytes(24).toString('base64url')}`;
      tokens.set(token, { namespace, name });
      return token;
    },
    async handle(req, res, info, path) {
      const user = authenticate(req);
      const method = req.method ?? 'GET';
      if (method === 'POST' && path === SSAR_PATH) {
        const body = await readBody(req);
        const spec =
          mediaType(req.headers['content-type']) === 'application/vnd.kubernetes.protobuf'
            ? decodeAccessReviewProtobuf(body)
            : ((decodeBody(body, req.headers['content-type']) as { spec?: AccessReviewSpec } | undefined)?.spec ?? {});
        const allowed = user === 'admin' || rbacAllows(policy(), user, reviewAttributes(spec));
        res.writeHead(201, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec, status: { allowed } }));
        return true;
      }
      if (user === 'admin') return false;
      if (info.kind === 'nonresource' && (method === 'GET' || method === 'HEAD') && PUBLIC_PATHS.some((p) => p.test(path))) return false;
      const attributes: Attributes =
        info.kind === 'resource'
          ? { resourceRequest: true, verb: info.verb, apiGroup: info.group, resource: info.resource, ...(info.subresource ? { subresource: info.subresource } : {}), ...(info.namespace !== undefined ? { namespace: info.namespace } : {}), ...(info.name !== undefined ? { name: info.name } : {}) }
          : { resourceRequest: false, verb: method.toLowerCase(), path };
      if (!rbacAllows(policy(), user, attributes)) throw forbidden(user, attributes);
      return false;
    },
  };
}

/** What a SelfSubjectAccessReview asks about. */
export interface AccessReviewSpec {
  readonly resourceAttributes?: Readonly<Record<string, string>>;
  readonly nonResourceAttributes?: Readonly<Record<string, string>>;
}

function reviewAttributes(spec: AccessReviewSpec): Attributes {
  const r = spec.resourceAttributes;
  if (r) {
    return {
      resourceRequest: true,
      verb: r['verb'] ?? '',
      apiGroup: r['group'] ?? '',
      resource: r['resource'] ?? '',
      ...(r['subresource'] ? { subresource: r['subresource'] } : {}),
      ...(r['namespace'] ? { namespace: r['namespace'] } : {}),
      ...(r['name'] ? { name: r['name'] } : {}),
    };
  }
  return { resourceRequest: false, verb: spec.nonResourceAttributes?.['verb'] ?? '', path: spec.nonResourceAttributes?.['path'] ?? '' };
}

function unauthorized(): ApiError {
  return new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
}

function forbidden(user: UserInfo, attributes: Attributes): ApiError {
  const details = attributes.resourceRequest ? { ...(attributes.name ? { name: attributes.name } : {}), ...(attributes.apiGroup ? { group: attributes.apiGroup } : {}), kind: attributes.resource } : undefined;
  return new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: forbiddenMessage(user, attributes), reason: 'Forbidden', ...(details ? { details } : {}), code: 403 });
}
