/** Discovery documents: legacy (/api, /apis, /api/v1, /apis/<g>/<v>) and aggregated (apidiscovery.k8s.io v2, v2beta1). */
import type { ResourceRegistry } from './resource-registry.js';
import { RESOURCE_VERBS, STATUS_VERBS, type ResourceType } from './resource-type.js';

export const EMULATED_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.0-kkp-emulator', platform: 'linux/amd64' };

export function versionDocument(): Record<string, unknown> {
  return {
    major: EMULATED_VERSION.major,
    minor: EMULATED_VERSION.minor,
    gitVersion: EMULATED_VERSION.gitVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-01-01T00:00:00Z',
    goVersion: 'go1.23.0',
    compiler: 'gc',
    platform: EMULATED_VERSION.platform,
  };
}

export function coreVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function apiGroup(name: string, versions: readonly string[]): Record<string, unknown> {
  const list = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: list, preferredVersion: list[0] };
}

export function groupList(registry: ResourceRegistry): Record<string, unknown> {
  const groups = [...registry.groups()].filter(([g]) => g !== '').map(([g, versions]) => apiGroup(g, versions));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function groupDocument(registry: ResourceRegistry, group: string): Record<string, unknown> | undefined {
  const versions = registry.groups().get(group);
  if (!versions || group === '') return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, versions) };
}

/** Main resources first, then their subresources, as the apiserver lists them. */
export function resourceList(registry: ResourceRegistry, group: string, version: string): Record<string, unknown> | undefined {
  const types = registry.inGroupVersion(group, version);
  if (types.length === 0) return undefined;
  const main = types.map((t) => {
    const entry: Record<string, unknown> = { name: t.plural, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: [...RESOURCE_VERBS] };
    if (t.shortNames.length) entry['shortNames'] = [...t.shortNames];
    if (t.categories.length) entry['categories'] = [...t.categories];
    return entry;
  });
  const subresources = types.filter((t) => t.hasStatus).map((t) => ({ name: `${t.plural}/status`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: [...STATUS_VERBS] }));
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources: [...main, ...subresources] };
}

function aggregatedResource(t: ResourceType): Record<string, unknown> {
  const responseKind = { group: t.group, version: t.version, kind: t.kind };
  const entry: Record<string, unknown> = {
    resource: t.plural,
    responseKind,
    scope: t.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: t.singular,
    verbs: [...RESOURCE_VERBS],
  };
  if (t.shortNames.length) entry['shortNames'] = [...t.shortNames];
  if (t.categories.length) entry['categories'] = [...t.categories];
  if (t.hasStatus) entry['subresources'] = [{ subresource: 'status', responseKind, verbs: [...STATUS_VERBS] }];
  return entry;
}

export type AggregatedVersion = 'v2' | 'v2beta1';

/** Which aggregated discovery form the client accepts, in its order of preference; undefined for legacy. */
export function aggregatedDiscoveryRequested(accept: string | undefined): AggregatedVersion | undefined {
  if (!accept) return undefined;
  for (const range of accept.split(',')) {
    if (!/g=apidiscovery\.k8s\.io/.test(range) || !/as=APIGroupDiscoveryList/.test(range)) {
      if (/^\s*application\/json\s*(;|$)/.test(range) || /^\s*\*\/\*/.test(range)) return undefined;
      continue;
    }
    const v = /v=(v2beta1|v2)\b/.exec(range)?.[1];
    if (v === 'v2' || v === 'v2beta1') return v;
  }
  return undefined;
}

export function aggregatedContentType(version: AggregatedVersion): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

/** `/api` (core only) or `/apis` (every named group) in the aggregated form. */
export function aggregatedDiscovery(registry: ResourceRegistry, core: boolean, version: AggregatedVersion): Record<string, unknown> {
  const items = [...registry.groups()]
    .filter(([g]) => (core ? g === '' : g !== ''))
    .map(([g, versions]) => ({
      metadata: { name: g, creationTimestamp: null },
      versions: versions.map((v) => ({
        version: v,
        resources: registry
          .inGroupVersion(g, v)
          .sort((a, b) => a.plural.localeCompare(b.plural))
          .map(aggregatedResource),
        freshness: 'Current',
      })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}
