import { describe, expect, it } from 'vitest';
import { rbacAllows, serviceAccountUser, type Attributes, type PolicyRule, type RbacPolicy } from '../../../src/emulator/rbac/authorize.js';

const user = serviceAccountUser('bots', 'robot');
const resource = (verb: string, apiGroup: string, res: string, extra: Partial<{ namespace: string; name: string; subresource: string }> = {}): Attributes => ({ resourceRequest: true, verb, apiGroup, resource: res, ...extra });

function policy(binding: { kind: 'RoleBinding' | 'ClusterRoleBinding'; namespace?: string; roleKind?: 'Role' | 'ClusterRole'; subject?: { kind: string; name: string; namespace?: string } }, rules: PolicyRule[]): RbacPolicy {
  const roleKind = binding.roleKind ?? (binding.kind === 'RoleBinding' ? 'Role' : 'ClusterRole');
  return {
    bindings: [{ ...(binding.kind === 'RoleBinding' ? { namespace: binding.namespace ?? 'team' } : {}), roleRef: { kind: roleKind, name: 'r' }, subjects: [binding.subject ?? { kind: 'ServiceAccount', name: 'robot', namespace: 'bots' }] }],
    rulesOf: (kind, name, namespace) => (kind === roleKind && name === 'r' && (kind === 'ClusterRole' || namespace === (binding.namespace ?? 'team')) ? rules : undefined),
  };
}

describe("the RBAC authorizer (Kubernetes' rules)", () => {
  it.each<[string, RbacPolicy, Attributes, boolean]>([
    ['a Role grants in its namespace', policy({ kind: 'RoleBinding' }, [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }]), resource('get', '', 'secrets', { namespace: 'team' }), true],
    ['a Role grants nothing in another namespace', policy({ kind: 'RoleBinding' }, [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }]), resource('get', '', 'secrets', { namespace: 'kube-system' }), false],
    ['a RoleBinding grants nothing at the cluster scope', policy({ kind: 'RoleBinding' }, [{ verbs: ['list'], apiGroups: [''], resources: ['secrets'] }]), resource('list', '', 'secrets'), false],
    ['a RoleBinding to a ClusterRole grants only in its namespace', policy({ kind: 'RoleBinding', roleKind: 'ClusterRole' }, [{ verbs: ['list'], apiGroups: [''], resources: ['secrets'] }]), resource('list', '', 'secrets', { namespace: 'other' }), false],
    ['a ClusterRoleBinding grants in every namespace', policy({ kind: 'ClusterRoleBinding' }, [{ verbs: ['list'], apiGroups: [''], resources: ['secrets'] }]), resource('list', '', 'secrets', { namespace: 'any' }), true],
    ['the verb must match', policy({ kind: 'ClusterRoleBinding' }, [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }]), resource('list', '', 'secrets'), false],
    ['the API group must match', policy({ kind: 'ClusterRoleBinding' }, [{ verbs: ['get'], apiGroups: ['apps'], resources: ['secrets'] }]), resource('get', '', 'secrets'), false],
    ['wildcards match', policy({ kind: 'ClusterRoleBinding' }, [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]), resource('delete', 'kubermatic.k8c.io', 'seeds'), true],
    ['a subresource needs its own grant', policy({ kind: 'ClusterRoleBinding' }, [{ verbs: ['update'], apiGroups: [''], resources: ['namespaces'] }]), resource('update', '', 'namespaces', { subresource: 'status', name: 'x' }), false],
    ['resource/subresource grants it', policy({ kind: 'ClusterRoleBinding' }, [{ verbs: ['update'], apiGroups: [''], resources: ['namespaces/status'] }]), resource('update', '', 'namespaces', { subresource: 'status', name: 'x' }), true],
    ['resourceNames allow the named object', policy({ kind: 'ClusterRoleBinding' }, [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['mine'] }]), resource('get', '', 'secrets', { namespace: 'a', name: 'mine' }), true],
    ['resourceNames refuse other objects', policy({ kind: 'ClusterRoleBinding' }, [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['mine'] }]), resource('get', '', 'secrets', { namespace: 'a', name: 'yours' }), false],
    ['resourceNames refuse a list (no name)', policy({ kind: 'ClusterRoleBinding' }, [{ verbs: ['list'], apiGroups: [''], resources: ['secrets'], resourceNames: ['mine'] }]), resource('list', '', 'secrets', { namespace: 'a' }), false],
    ['nonResourceURLs match exactly', policy({ kind: 'ClusterRoleBinding' }, [{ verbs: ['get'], nonResourceURLs: ['/metrics'] }]), { resourceRequest: false, verb: 'get', path: '/metrics' }, true],
    ['nonResourceURLs match a prefix ending in *', policy({ kind: 'ClusterRoleBinding' }, [{ verbs: ['get'], nonResourceURLs: ['/logs/*'] }]), { resourceRequest: false, verb: 'get', path: '/logs/kubelet' }, true],
    ['nonResourceURLs are never granted by a RoleBinding', policy({ kind: 'RoleBinding', roleKind: 'ClusterRole' }, [{ verbs: ['get'], nonResourceURLs: ['/metrics'] }]), { resourceRequest: false, verb: 'get', path: '/metrics' }, false],
    ['a Group subject matches the ServiceAccount groups', policy({ kind: 'ClusterRoleBinding', subject: { kind: 'Group', name: 'system:serviceaccounts:bots' } }, [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }]), resource('get', '', 'secrets', { namespace: 'a', name: 'x' }), true],
    ['another ServiceAccount is not this one', policy({ kind: 'ClusterRoleBinding', subject: { kind: 'ServiceAccount', name: 'robot', namespace: 'other' } }, [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }]), resource('get', '', 'secrets', { namespace: 'a', name: 'x' }), false],
  ])('%s', (_name, p, attributes, allowed) => {
    expect(rbacAllows(p, user, attributes)).toBe(allowed);
  });
});
