/** The KKP CustomResourceDefinitions the sandbox installs, derived from the kind table. */
import { KKP_KINDS, type KindInfo } from '../core/kinds.js';
import type { KubeObject } from '../emulator/kube-object.js';

export const KKP_GROUP = 'kubermatic.k8c.io';

interface Column {
  name: string;
  type: string;
  jsonPath: string;
}

/** A few printer columns per kind, like KKP's own CRDs, so `kubectl get clusters` says something useful. */
const PRINTER_COLUMNS: Record<string, Column[]> = {
  Seed: [
    { name: 'Location', type: 'string', jsonPath: '.spec.location' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
  ],
  Cluster: [
    { name: 'HumanReadableName', type: 'string', jsonPath: '.spec.humanReadableName' },
    { name: 'Version', type: 'string', jsonPath: '.spec.version' },
    { name: 'Provider', type: 'string', jsonPath: '.spec.cloud.providerName' },
    { name: 'Datacenter', type: 'string', jsonPath: '.spec.cloud.dc' },
  ],
  Project: [{ name: 'HumanReadableName', type: 'string', jsonPath: '.spec.name' }],
  User: [
    { name: 'Email', type: 'string', jsonPath: '.spec.email' },
    { name: 'HumanReadableName', type: 'string', jsonPath: '.spec.name' },
    { name: 'Admin', type: 'boolean', jsonPath: '.spec.admin' },
  ],
  UserProjectBinding: [
    { name: 'ProjectID', type: 'string', jsonPath: '.spec.projectID' },
    { name: 'Group', type: 'string', jsonPath: '.spec.group' },
    { name: 'UserEmail', type: 'string', jsonPath: '.spec.userEmail' },
  ],
  GroupProjectBinding: [
    { name: 'ProjectID', type: 'string', jsonPath: '.spec.projectID' },
    { name: 'Group', type: 'string', jsonPath: '.spec.group' },
    { name: 'Role', type: 'string', jsonPath: '.spec.role' },
  ],
  UserSSHKey: [
    { name: 'HumanReadableName', type: 'string', jsonPath: '.spec.name' },
    { name: 'Project', type: 'string', jsonPath: '.spec.project' },
  ],
};

const AGE: Column = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

/**
 * A structural schema: spec and status keep unknown fields (live objects carry KKP's defaults and status that
 * Git never sets), top-level unknown fields are refused under strict validation as by KKP's CRDs.
 */
function openAPIV3Schema(): Record<string, unknown> {
  const preserved = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  return {
    type: 'object',
    properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, spec: preserved, status: preserved },
  };
}

export function kkpCrd(kind: KindInfo): KubeObject {
  const singular = kind.kind.toLowerCase();
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${kind.plural}.${KKP_GROUP}`, annotations: { 'kubermatic.k8c.io/location': 'master,seed' } },
    spec: {
      group: KKP_GROUP,
      scope: kind.namespaced ? 'Namespaced' : 'Cluster',
      names: { plural: kind.plural, singular, kind: kind.kind, listKind: `${kind.kind}List` },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: openAPIV3Schema() },
          ...(kind.hasStatus ? { subresources: { status: {} } } : {}),
          additionalPrinterColumns: [...(PRINTER_COLUMNS[kind.kind] ?? []), AGE],
        },
      ],
    },
  };
}

/** One CRD per KKP kind of the kind table. */
export function kkpCrds(): KubeObject[] {
  return KKP_KINDS.map(kkpCrd);
}
