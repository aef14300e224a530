/**
 * Kubernetes' RBAC authorizer as a pure function (the rules of `plugin/pkg/auth/authorizer/rbac`): a request is
 * allowed when a rule of a role bound to the user matches it. ClusterRoleBindings grant their ClusterRole's rules
 * everywhere; RoleBindings grant their Role's (or ClusterRole's) resource rules only inside their namespace;
 * non-resource URLs only through ClusterRoleBindings. Nothing denies: no match is no permission.
 */

export interface UserInfo {
  readonly name: string;
  readonly groups: readonly string[];
}

export type Attributes =
  | {
      readonly resourceRequest: true;
      readonly verb: string;
      readonly apiGroup: string;
      readonly resource: string;
      readonly subresource?: string;
      readonly namespace?: string;
      readonly name?: string;
    }
  | { readonly resourceRequest: false; readonly verb: string; readonly path: string };

export interface PolicyRule {
  readonly verbs?: readonly string[];
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

export interface Subject {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

export interface Binding {
  /** Set for a RoleBinding; absent for a ClusterRoleBinding. */
  readonly namespace?: string;
  readonly roleRef: { readonly kind: string; readonly name: string };
  readonly subjects: readonly Subject[];
}

export interface RbacPolicy {
  readonly bindings: readonly Binding[];
  /** The rules of a Role (`namespace` set) or a ClusterRole; undefined when it does not exist. */
  rulesOf(kind: 'Role' | 'ClusterRole', name: string, namespace?: string): readonly PolicyRule[] | undefined;
}

const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';

/** The user a ServiceAccount authenticates as (`system:serviceaccount:<ns>:<name>`, its groups). */
export function serviceAccountUser(namespace: string, name: string): UserInfo {
  return { name: `${SERVICE_ACCOUNT_PREFIX}${namespace}:${name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'] };
}

function appliesTo(subject: Subject, user: UserInfo, bindingNamespace: string | undefined): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === user.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      // A RoleBinding's ServiceAccount subject without a namespace means the binding's namespace.
      const namespace = subject.namespace || bindingNamespace;
      return namespace !== undefined && user.name === `${SERVICE_ACCOUNT_PREFIX}${namespace}:${subject.name}`;
    }
    default:
      return false;
  }
}

const has = (list: readonly string[] | undefined, value: string) => (list ?? []).some((v) => v === '*' || v === value);

function resourceMatches(rule: PolicyRule, resource: string, subresource: string | undefined): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return (rule.resources ?? []).some((r) => r === '*' || r === combined || (subresource !== undefined && r === `*/${subresource}`));
}

export function ruleAllows(rule: PolicyRule, attributes: Attributes): boolean {
  if (!has(rule.verbs, attributes.verb)) return false;
  if (!attributes.resourceRequest) {
    return (rule.nonResourceURLs ?? []).some((url) => url === '*' || url === attributes.path || (url.endsWith('*') && attributes.path.startsWith(url.slice(0, -1))));
  }
  if (!has(rule.apiGroups, attributes.apiGroup)) return false;
  if (!resourceMatches(rule, attributes.resource, attributes.subresource)) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (attributes.name !== undefined && attributes.name !== '' && names.includes(attributes.name));
}

/** Whether `user` may do what `attributes` describe under `policy`. */
export function rbacAllows(policy: RbacPolicy, user: UserInfo, attributes: Attributes): boolean {
  for (const binding of policy.bindings) {
    if (!binding.subjects.some((s) => appliesTo(s, user, binding.namespace))) continue;
    if (binding.namespace !== undefined) {
      // A RoleBinding: resource requests inside its namespace only.
      if (!attributes.resourceRequest || attributes.namespace !== binding.namespace) continue;
    }
    const kind = binding.roleRef.kind === 'Role' ? 'Role' : 'ClusterRole';
    if (kind === 'Role' && binding.namespace === undefined) continue;
    const rules = policy.rulesOf(kind, binding.roleRef.name, kind === 'Role' ? binding.namespace : undefined) ?? [];
    if (rules.some((rule) => ruleAllows(rule, attributes))) return true;
  }
  return false;
}

/** The message of Kubernetes' 403 (`forbidden.go`): `<resource> "<name>" is forbidden: User "..." cannot <verb> resource ...`. */
export function forbiddenMessage(user: UserInfo, attributes: Attributes): string {
  if (!attributes.resourceRequest) return `forbidden: User "${user.name}" cannot ${attributes.verb} path "${attributes.path}"`;
  const resource = attributes.subresource ? `${attributes.resource}/${attributes.subresource}` : attributes.resource;
  const qualified = attributes.apiGroup ? `${attributes.resource}.${attributes.apiGroup}` : attributes.resource;
  const subject = attributes.name ? `${qualified} "${attributes.name}"` : qualified;
  const scope = attributes.namespace !== undefined ? ` in the namespace "${attributes.namespace}"` : ' at the cluster scope';
  return `${subject} is forbidden: User "${user.name}" cannot ${attributes.verb} resource "${resource}" in API group "${attributes.apiGroup}"${scope}`;
}
