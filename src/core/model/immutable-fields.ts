/**
 * KKP's fields that cannot change once an object exists (its validating webhooks, `pkg/validation`), as one
 * table. The validator checks a pull request against its base with it; the planner checks a desired object against
 * the live one. `rule` names the validator rule that reports a field.
 */
import { isJsonObject, jsonEqual } from '../json-value.js';
import { providerKeysOf } from './providers.js';

export const UNSAFE_EXPOSE_STRATEGY_MIGRATION = 'unsafe-expose-strategy-migration';
export const UNSAFE_CNI_MIGRATION = 'unsafe-cni-migration';
export const PROJECT_ID_LABEL = 'project-id';

export interface ImmutableField {
  readonly kind: 'Cluster' | 'User' | 'UserSSHKey';
  /** The validator rule that reports a change of it. */
  readonly rule: string;
  /** For messages: `spec.cloud.dc`. */
  readonly name: string;
  /** Where it is written (the provider: the `spec.cloud` block that holds it). */
  readonly path: readonly string[];
  /** KKP lets it change when the changed object carries this label. */
  readonly unlessLabel?: string;
  /** Where a diagnostic points, for an object. Default: `path`. */
  readonly locate?: (object: unknown) => readonly string[];
  /** Reads the value to compare. Default: the value at `path`. */
  readonly read?: (object: unknown) => unknown;
  /** What KKP's defaulting gives it when it is not written, so that unset and the default compare equal. */
  readonly defaultValue?: (object: unknown) => unknown;
}

export const IMMUTABLE_FIELDS: readonly ImmutableField[] = [
  { kind: 'Cluster', rule: 'change/cluster-project-id', name: `metadata.labels.${PROJECT_ID_LABEL}`, path: ['metadata', 'labels', PROJECT_ID_LABEL] },
  { kind: 'Cluster', rule: 'change/cluster-immutable-field', name: 'spec.cloud.dc', path: ['spec', 'cloud', 'dc'] },
  { kind: 'Cluster', rule: 'change/cluster-immutable-field', name: 'the provider (spec.cloud.<provider>)', path: ['spec', 'cloud'], read: providerOf, locate: (c) => ['spec', 'cloud', providerOf(c) ?? ''] },
  { kind: 'Cluster', rule: 'change/cluster-immutable-field', name: 'spec.clusterNetwork.pods.cidrBlocks', path: ['spec', 'clusterNetwork', 'pods', 'cidrBlocks'], defaultValue: () => ['172.25.0.0/16'] },
  { kind: 'Cluster', rule: 'change/cluster-immutable-field', name: 'spec.clusterNetwork.services.cidrBlocks', path: ['spec', 'clusterNetwork', 'services', 'cidrBlocks'], defaultValue: () => ['10.240.16.0/20'] },
  {
    kind: 'Cluster',
    rule: 'change/cluster-immutable-field',
    name: 'spec.clusterNetwork.ipFamily',
    path: ['spec', 'clusterNetwork', 'ipFamily'],
    defaultValue: (cluster) => (countAt(cluster, ['spec', 'clusterNetwork', 'pods', 'cidrBlocks']) > 1 ? 'IPv4+IPv6' : 'IPv4'),
  },
  { kind: 'Cluster', rule: 'change/cluster-immutable-field', name: 'spec.clusterNetwork.dnsDomain', path: ['spec', 'clusterNetwork', 'dnsDomain'], defaultValue: () => 'cluster.local' },
  // The default expose strategy depends on the Seed and the KubermaticConfiguration: the validator supplies it.
  { kind: 'Cluster', rule: 'change/cluster-expose-strategy', name: 'spec.exposeStrategy', path: ['spec', 'exposeStrategy'], unlessLabel: UNSAFE_EXPOSE_STRATEGY_MIGRATION },
  { kind: 'Cluster', rule: 'change/cluster-cni-migration', name: 'spec.clusterNetwork.proxyMode', path: ['spec', 'clusterNetwork', 'proxyMode'], unlessLabel: UNSAFE_CNI_MIGRATION, defaultValue: () => 'ipvs' },
  { kind: 'Cluster', rule: 'change/cluster-cni-migration', name: 'spec.cniPlugin.type', path: ['spec', 'cniPlugin', 'type'], unlessLabel: UNSAFE_CNI_MIGRATION, defaultValue: () => 'canal' },
  // pkg/validation/cluster.go ValidateClusterUpdate: once set, these keep their value.
  { kind: 'Cluster', rule: 'change/cluster-immutable-field', name: 'spec.enableUserSSHKeyAgent', path: ['spec', 'enableUserSSHKeyAgent'] },
  { kind: 'Cluster', rule: 'change/cluster-immutable-field', name: 'spec.clusterNetwork.nodeLocalDNSCacheEnabled', path: ['spec', 'clusterNetwork', 'nodeLocalDNSCacheEnabled'] },
  // pkg/validation/user.go: the e-mail never changes, compared exactly (a change of case is a change).
  { kind: 'User', rule: 'change/user-email', name: 'spec.email', path: ['spec', 'email'] },
  // pkg/validation/user.go `ValidateUserUpdate`: a (service account) User keeps its project.
  { kind: 'User', rule: 'change/user-project', name: 'spec.project', path: ['spec', 'project'] },
  { kind: 'UserSSHKey', rule: 'change/ssh-key-project', name: 'spec.project', path: ['spec', 'project'] },
];

export interface FieldChange {
  readonly before: unknown;
  readonly after: unknown;
}

export interface CompareOptions {
  /** Replaces the field's own default for the object before the change (a default that needs more context). */
  readonly defaultBefore?: (object: unknown) => unknown;
}

/**
 * How `field` changes from `before` to `after`, or undefined when it does not. A field the changed object leaves
 * unset keeps its value (KKP keeps it), and a field the changed object's `unlessLabel` unlocks may change.
 */
export function immutableFieldChange(field: ImmutableField, before: unknown, after: unknown, options: CompareOptions = {}): FieldChange | undefined {
  if (field.unlessLabel !== undefined && valueAt(after, ['metadata', 'labels', field.unlessLabel]) !== undefined) return undefined;
  const read = field.read ?? ((object: unknown) => valueAt(object, field.path));
  const now = read(after);
  if (now === undefined) return undefined;
  const then = read(before) ?? (options.defaultBefore ?? field.defaultValue)?.(before);
  if (then === undefined || sameValue(field, then, now)) return undefined;
  return { before: then, after: now };
}

/** The immutable fields of a kind, optionally only those one validator rule reports. */
export function immutableFieldsOf(kind: string, rule?: string): ImmutableField[] {
  return IMMUTABLE_FIELDS.filter((f) => f.kind === kind && (rule === undefined || f.rule === rule));
}

/** `a, b` for lists, the text of a scalar: how a value reads in a message. */
export function describeValue(value: unknown): string {
  return Array.isArray(value) ? value.map(String).join(', ') : typeof value === 'string' ? value : JSON.stringify(value);
}

function sameValue(field: ImmutableField, a: unknown, b: unknown): boolean {
  return jsonEqual(a, b);
}

function providerOf(cluster: unknown): string | undefined {
  const keys = providerKeysOf(valueAt(cluster, ['spec', 'cloud']));
  return keys.length === 1 ? keys[0] : undefined;
}

function countAt(object: unknown, path: readonly string[]): number {
  const value = valueAt(object, path);
  return Array.isArray(value) ? value.length : 1;
}

function valueAt(object: unknown, path: readonly string[]): unknown {
  let value = object;
  for (const segment of path) {
    if (!isJsonObject(value)) return undefined;
    value = value[segment];
  }
  return value;
}
