/**
 * The fault annotation the sandbox's KKP controllers obey, `sandbox.kkp-gitops.dev/health`, set from outside the
 * process with `kubectl annotate`:
 * - `down=<component>[,<component>…]` on a Cluster: those `status.extendedHealth` components report `HealthStatusDown`;
 * - `never-running` on a Cluster: its phase never becomes `Running` (`Creating` while new, `Updating` afterwards);
 * - `unhealthy` on a Seed: `ResourcesReconciled` is `False` and the phase `Unhealthy`.
 * The controllers report that state until the annotation is removed (`kubectl annotate ... sandbox.kkp-gitops.dev/health-`).
 */
import { closestName } from '../../core/suggest.js';
import { HEALTH_COMPONENTS, type HealthComponent } from './cluster-components.js';

export const HEALTH_FAULT_ANNOTATION = 'sandbox.kkp-gitops.dev/health';

export type HealthFault =
  | { readonly kind: 'down'; readonly components: readonly HealthComponent[] }
  | { readonly kind: 'never-running' }
  | { readonly kind: 'unhealthy' };

/** The annotation's value of `object`, parsed: undefined when absent, `{ error }` when it is not a fault of `forKind`. */
export function healthFaultOf(annotations: Readonly<Record<string, string>> | undefined, forKind: 'Cluster' | 'Seed'): HealthFault | { readonly error: string } | undefined {
  const value = annotations?.[HEALTH_FAULT_ANNOTATION];
  if (value === undefined) return undefined;
  const text = value.trim();
  if (forKind === 'Seed') {
    return text === 'unhealthy' ? { kind: 'unhealthy' } : { error: `${HEALTH_FAULT_ANNOTATION} on a Seed must be "unhealthy"` };
  }
  if (text === 'never-running') return { kind: 'never-running' };
  if (!text.startsWith('down=')) return { error: `${HEALTH_FAULT_ANNOTATION} on a Cluster must be "down=<component>[,<component>…]" or "never-running"` };
  const names = text.slice('down='.length).split(',').map((n) => n.trim()).filter((n) => n !== '');
  if (names.length === 0) return { error: `${HEALTH_FAULT_ANNOTATION}: "down=" names no component (one of ${HEALTH_COMPONENTS.join(', ')})` };
  const known = new Set<string>(HEALTH_COMPONENTS);
  for (const name of names) {
    if (!known.has(name)) {
      const close = closestName(name, HEALTH_COMPONENTS);
      return { error: `${HEALTH_FAULT_ANNOTATION}: "${name.slice(0, 64)}" is not an extendedHealth component${close ? ` (did you mean "${close}"?)` : ''}` };
    }
  }
  return { kind: 'down', components: [...new Set(names)] as HealthComponent[] };
}
