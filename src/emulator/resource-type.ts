/** A resource the emulator serves (one group/version/plural), and the built-in ones. */

export interface PrinterColumn {
  readonly name: string;
  readonly type: string;
  readonly jsonPath: string;
  readonly description?: string;
  readonly priority?: number;
  readonly format?: string;
}

export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly singular: string;
  readonly kind: string;
  readonly listKind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly hasStatus: boolean;
  /** Served from a CustomResourceDefinition (custom resource rules: strict resourceVersion on PUT, no strategic merge). */
  readonly custom: boolean;
  /** The object carries `metadata.generation` (custom resources and CRDs). */
  readonly generation: boolean;
  /** The CRD's openAPIV3Schema for this version, if any. */
  readonly schema?: Record<string, unknown>;
  readonly printerColumns: readonly PrinterColumn[];
  /** Storage key shared by every version of the resource: `<group>/<plural>`. */
  readonly storageKey: string;
}

export const RESOURCE_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;
export const STATUS_VERBS = ['get', 'patch', 'update'] as const;

export function apiVersionOf(r: Pick<ResourceType, 'group' | 'version'>): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

function builtin(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  extra: { shortNames?: string[]; hasStatus?: boolean; generation?: boolean; printerColumns?: PrinterColumn[]; categories?: string[] } = {},
): ResourceType {
  return {
    group,
    version,
    kind,
    plural,
    singular: kind.toLowerCase(),
    listKind: `${kind}List`,
    namespaced,
    shortNames: extra.shortNames ?? [],
    categories: extra.categories ?? [],
    hasStatus: extra.hasStatus ?? false,
    custom: false,
    generation: extra.generation ?? false,
    printerColumns: extra.printerColumns ?? [],
    storageKey: `${group}/${plural}`,
  };
}

export const NAMESPACES = builtin('', 'v1', 'Namespace', 'namespaces', false, {
  shortNames: ['ns'],
  hasStatus: true,
  printerColumns: [{ name: 'Status', type: 'string', jsonPath: '.status.phase', description: 'The phase of the namespace' }],
});
export const SECRETS = builtin('', 'v1', 'Secret', 'secrets', true, {
  printerColumns: [
    { name: 'Type', type: 'string', jsonPath: '.type', description: 'Type of the secret' },
    { name: 'Data', type: 'integer', jsonPath: '.data', description: 'Number of entries in data', format: 'count' },
  ],
});
export const CONFIG_MAPS = builtin('', 'v1', 'ConfigMap', 'configmaps', true, {
  shortNames: ['cm'],
  printerColumns: [{ name: 'Data', type: 'integer', jsonPath: '.data', description: 'Number of entries in data', format: 'count' }],
});
export const LEASES = builtin('coordination.k8s.io', 'v1', 'Lease', 'leases', true, {
  printerColumns: [{ name: 'Holder', type: 'string', jsonPath: '.spec.holderIdentity', description: 'The holder of the lease' }],
});
export const CRDS = builtin('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, {
  shortNames: ['crd', 'crds'],
  hasStatus: true,
  generation: true,
  categories: ['api-extensions'],
  printerColumns: [{ name: 'Created At', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Creation time' }],
});

export const BUILTIN_RESOURCES: readonly ResourceType[] = [NAMESPACES, SECRETS, CONFIG_MAPS, LEASES, CRDS];
