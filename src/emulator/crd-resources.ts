/** What a CustomResourceDefinition serves: one ResourceType per served version. */
import type { FieldError } from './api-status.js';
import { isPlainObject, type KubeObject } from './kube-object.js';
import type { PrinterColumn, ResourceType } from './resource-type.js';

interface CrdNames {
  plural?: string;
  singular?: string;
  kind?: string;
  listKind?: string;
  shortNames?: string[];
  categories?: string[];
}

interface CrdVersion {
  name?: string;
  served?: boolean;
  storage?: boolean;
  schema?: { openAPIV3Schema?: Record<string, unknown> };
  subresources?: { status?: unknown };
  additionalPrinterColumns?: PrinterColumn[];
}

interface CrdSpec {
  group?: string;
  scope?: string;
  names?: CrdNames;
  versions?: CrdVersion[];
}

function specOf(crd: KubeObject): CrdSpec {
  return (isPlainObject(crd['spec']) ? crd['spec'] : {}) as CrdSpec;
}

/** The checks the apiserver makes that matter to clients: names, scope, versions. */
export function validateCrd(crd: KubeObject): FieldError[] {
  const spec = specOf(crd);
  const errors: FieldError[] = [];
  if (!spec.group) errors.push({ field: 'spec.group', type: 'Required' });
  if (!spec.names?.plural) errors.push({ field: 'spec.names.plural', type: 'Required' });
  if (!spec.names?.kind) errors.push({ field: 'spec.names.kind', type: 'Required' });
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    errors.push({ field: 'spec.scope', type: 'NotSupported', value: spec.scope ?? '', supported: ['Cluster', 'Namespaced'] });
  }
  const versions = spec.versions ?? [];
  if (versions.length === 0) errors.push({ field: 'spec.versions', type: 'Invalid', value: versions, detail: 'must have exactly one version marked as storage version' });
  else if (versions.filter((v) => v.storage).length !== 1) {
    errors.push({ field: 'spec.versions', type: 'Invalid', value: versions, detail: 'must have exactly one version marked as storage version' });
  }
  const expected = `${spec.names?.plural ?? ''}.${spec.group ?? ''}`;
  if (spec.group && spec.names?.plural && crd.metadata.name !== expected) {
    errors.push({ field: 'metadata.name', type: 'Invalid', value: crd.metadata.name, detail: `must be spec.names.plural+"."+spec.group` });
  }
  return errors;
}

export function crdResourceTypes(crd: KubeObject): ResourceType[] {
  const spec = specOf(crd);
  const names = spec.names ?? {};
  const group = spec.group ?? '';
  const plural = names.plural ?? '';
  const kind = names.kind ?? '';
  return (spec.versions ?? [])
    .filter((v) => v.served !== false && v.name)
    .map((v) => {
      const type: ResourceType = {
        group,
        version: v.name ?? '',
        plural,
        singular: names.singular ?? kind.toLowerCase(),
        kind,
        listKind: names.listKind ?? `${kind}List`,
        namespaced: spec.scope === 'Namespaced',
        shortNames: names.shortNames ?? [],
        categories: names.categories ?? [],
        hasStatus: v.subresources?.status !== undefined,
        custom: true,
        generation: true,
        printerColumns: v.additionalPrinterColumns ?? [],
        storageKey: `${group}/${plural}`,
      };
      const schema = v.schema?.openAPIV3Schema;
      return schema ? { ...type, schema } : type;
    });
}

/** The status the apiserver gives an accepted CRD. */
export function establishedCrdStatus(crd: KubeObject, now: string): Record<string, unknown> {
  const spec = specOf(crd);
  const names = spec.names ?? {};
  const condition = (type: string, reason: string, message: string) => ({ type, status: 'True', lastTransitionTime: now, reason, message });
  return {
    acceptedNames: { ...names, singular: names.singular ?? (names.kind ?? '').toLowerCase(), listKind: names.listKind ?? `${names.kind ?? ''}List` },
    conditions: [condition('NamesAccepted', 'NoConflicts', 'no conflicts found'), condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted')],
    storedVersions: (spec.versions ?? []).filter((v) => v.storage).map((v) => v.name),
  };
}
