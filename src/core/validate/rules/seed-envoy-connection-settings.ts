import type { Diagnostic } from '../../diagnostic.js';
import { objectAt } from '../../model/plain-data.js';
import { pointerOf } from '../../model/json-pointer.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'seed/envoy-connection-settings';

/** The durations of `spec.nodeportProxy.envoy.connectionSettings` KKP checks (pkg/webhook/seed/validation.go). */
export const ENVOY_DURATION_FIELDS = [
  'sniListenerIdleTimeout',
  'tunnelingConnectionIdleTimeout',
  'tunnelingStreamIdleTimeout',
  'downstreamTCPKeepaliveTime',
  'downstreamTCPKeepaliveInterval',
  'upstreamTCPKeepaliveTime',
  'upstreamTCPKeepaliveInterval',
] as const;

const UNIT_MS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration (`time.ParseDuration`: `300ms`, `-1.5h`, `2h45m`, `0`) in milliseconds, or undefined when it is none. */
export function parseGoDuration(text: string): number | undefined {
  const match = /^([-+]?)(.*)$/.exec(text)!;
  const body = match[2]!;
  if (body === '0') return 0;
  if (body === '') return undefined;
  let total = 0;
  let rest = body;
  while (rest !== '') {
    const part = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/.exec(rest);
    if (!part) return undefined;
    total += Number(part[1]) * UNIT_MS[part[2]!]!;
    rest = rest.slice(part[0].length);
  }
  return match[1] === '-' ? -total : total;
}

/** Why KKP refuses one connection-settings duration, or undefined. */
export function envoyDurationProblem(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'string' ? parseGoDuration(value) : undefined;
  if (ms === undefined) return 'is not a duration (e.g. 30s, 5m, 1h30m)';
  if (ms < 0) return 'must be >= 0';
  if (ms > 0 && ms < 1000) return 'must be 0 or >= 1s';
  return undefined;
}

/** The releases whose Seed webhook has no `validateNodePortProxyEnvoyConnectionSettings` (it came with KKP v2.30). */
const UNCHECKED: ReadonlySet<string> = new Set(['v2.29']);

export const seedEnvoyConnectionSettings: Rule = {
  id,
  description:
    "A Seed's nodeportProxy.envoy.connectionSettings durations are 0 or at least 1s (KKP v2.30 and later: pkg/webhook/seed/validation.go validateNodePortProxyEnvoyConnectionSettings).",
  check({ head, versions }) {
    if (UNCHECKED.has(versions.release)) return [];
    const diagnostics: Diagnostic[] = [];
    for (const seed of head.documentsOf('Seed')) {
      const settings = objectAt(seed.value, 'spec', 'nodeportProxy', 'envoy', 'connectionSettings');
      if (!settings) continue;
      for (const field of ENVOY_DURATION_FIELDS) {
        const problem = envoyDurationProblem(settings[field]);
        if (problem === undefined) continue;
        diagnostics.push(
          diagnosticAt(seed, pointerOf('spec', 'nodeportProxy', 'envoy', 'connectionSettings', field), {
            rule: id,
            message: `seed "${seed.name}": spec.nodeportProxy.envoy.connectionSettings.${field} ${problem}`,
            hint: 'Write 0 (Envoy\'s default) or a duration of at least 1s.',
          }),
        );
      }
    }
    return diagnostics;
  },
};
