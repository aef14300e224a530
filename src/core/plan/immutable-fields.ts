import { providerKeysOf } from '../model/providers.js';
import { isJsonObject, type KubeObject } from '../render/kube-object.js';
import { jsonEqual } from '../json-value.js';
import { formatFieldPath } from './field-path.js';

/** A field KKP refuses to change after create, unless the object carries `unlessLabel`. */
interface ImmutableField {
  readonly kind: string;
  readonly path: readonly string[];
  readonly unlessLabel?: string;
}

/** From KKP's Cluster validation webhook (`pkg/validation`): what may not change once a Cluster exists. */
const IMMUTABLE_FIELDS: readonly ImmutableField[] = [
  { kind: 'Cluster', path: ['metadata', 'labels', 'project-id'] },
  { kind: 'Cluster', path: ['spec', 'cloud', 'dc'] },
  { kind: 'Cluster', path: ['spec', 'cloud', 'providerName'] },
  { kind: 'Cluster', path: ['spec', 'clusterNetwork', 'pods', 'cidrBlocks'] },
  { kind: 'Cluster', path: ['spec', 'clusterNetwork', 'services', 'cidrBlocks'] },
  { kind: 'Cluster', path: ['spec', 'clusterNetwork', 'ipFamily'] },
  { kind: 'Cluster', path: ['spec', 'clusterNetwork', 'dnsDomain'] },
  { kind: 'Cluster', path: ['spec', 'exposeStrategy'], unlessLabel: 'unsafe-expose-strategy-migration' },
  { kind: 'Cluster', path: ['spec', 'clusterNetwork', 'proxyMode'], unlessLabel: 'unsafe-cni-migration' },
  { kind: 'Cluster', path: ['spec', 'cniPlugin', 'type'], unlessLabel: 'unsafe-cni-migration' },
  { kind: 'User', path: ['spec', 'email'] },
  { kind: 'UserSSHKey', path: ['spec', 'project'] },
];


/**
 * The changes KKP would refuse on an update of `live` to `desired`, as messages. Only fields desired sets are
 * checked: a field Git leaves to KKP's defaults keeps its live value.
 */
export function immutableFieldErrors(desired: KubeObject, live: KubeObject): string[] {
  const errors: string[] = [];
  const labels = desired.metadata.labels ?? {};
  for (const rule of IMMUTABLE_FIELDS) {
    if (rule.kind !== desired.kind || (rule.unlessLabel !== undefined && labels[rule.unlessLabel] !== undefined)) continue;
    const after = at(desired, rule.path);
    const before = at(live, rule.path);
    if (after === undefined || before === undefined || jsonEqual(after, before)) continue;
    const unless = rule.unlessLabel ? ` (unless the Cluster carries the label '${rule.unlessLabel}')` : '';
    errors.push(`${formatFieldPath(rule.path)} cannot change once set${unless}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
  }
  if (desired.kind === 'Cluster') {
    const after = providerOf(desired);
    const before = providerOf(live);
    if (after !== undefined && before !== undefined && after !== before) errors.push(`the cloud provider cannot change once set: ${before} → ${after}`);
  }
  return errors;
}

function providerOf(object: KubeObject): string | undefined {
  const keys = providerKeysOf(at(object, ['spec', 'cloud']));
  return keys.length === 1 ? keys[0] : undefined;
}

function at(object: unknown, path: readonly string[]): unknown {
  let value = object;
  for (const segment of path) {
    if (!isJsonObject(value)) return undefined;
    value = value[segment];
  }
  return value;
}
