/**
 * For `serve`: which KKP release the master's CRDs are (see `crd-drift.ts`), read through the master's connector,
 * refreshed at most every `maxAgeMs`. `serve` logs it at start and `/readyz` shows it as a note (never a failing
 * check: a master with other CRDs still serves). Only release names and CRD names (ours) reach the log and the
 * endpoint, never what the cluster answered.
 */
import { describeDifferences, compareCrds, matchingReleases, readInstalledCrds } from '../core/versions/crd-drift.js';
import { DEFAULT_KKP_RELEASE } from '../core/kkp-release.js';
import type { Clock } from '../coordination/clock.js';
import { systemClock } from '../coordination/clock.js';
import { describeError } from '../core/errors.js';
import { createKubeConnector, type KubeConnectorOptions } from './kube-connector.js';

export interface MasterCrdRelease {
  /** `v2.31` when the master's KKP CRDs are exactly one release's; `none` when no known release's; `unknown` before or when they could not be read. */
  readonly release: string;
  /** What to log: which release, or how the CRDs differ from the newest release. */
  readonly summary: string;
  /** Log it as a warning. */
  readonly warn: boolean;
}

export interface MasterCrdReleaseOptions {
  readonly cluster: KubeConnectorOptions;
  /** How long an answer is kept. Default: 10 minutes. */
  readonly maxAgeMs?: number;
  readonly clock?: Clock;
}

export interface MasterCrdReleaseCheck {
  /** Reads the CRDs now (or gives the kept answer while it is fresh). */
  check(): Promise<MasterCrdRelease>;
  /** The last answer (`unknown` before the first), starting a read in the background when it is stale. */
  last(): MasterCrdRelease;
}

const UNKNOWN: MasterCrdRelease = { release: 'unknown', summary: "the master's KKP CRDs have not been read yet", warn: false };

export function masterCrdRelease(options: MasterCrdReleaseOptions): MasterCrdReleaseCheck {
  const clock = options.clock ?? systemClock;
  const maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
  let kept: { at: number; answer: MasterCrdRelease } | undefined;
  let reading: Promise<MasterCrdRelease> | undefined;

  async function read(): Promise<MasterCrdRelease> {
    const connector = createKubeConnector(options.cluster);
    try {
      const installed = await readInstalledCrds(await connector.master());
      const matching = matchingReleases(installed);
      if (matching.length > 0) return { release: matching.at(-1)!, summary: `the master's KKP CRDs are those of KKP ${matching.join(', ')}`, warn: false };
      return {
        release: 'none',
        summary: `the master's KKP CRDs are those of no KKP release kkp-gitops knows; against KKP ${DEFAULT_KKP_RELEASE}: ${describeDifferences(compareCrds(DEFAULT_KKP_RELEASE, installed))}`,
        warn: true,
      };
    } catch (error) {
      return { release: 'unknown', summary: `the master's KKP CRDs could not be read: ${describeError(error)}`, warn: true };
    } finally {
      await connector.close?.();
    }
  }

  function check(): Promise<MasterCrdRelease> {
    if (kept && clock.now() - kept.at < maxAgeMs) return Promise.resolve(kept.answer);
    reading ??= read().then((answer) => {
      kept = { at: clock.now(), answer };
      reading = undefined;
      return answer;
    });
    return reading;
  }

  return {
    check,
    last() {
      if (!kept || clock.now() - kept.at >= maxAgeMs) void check();
      return kept?.answer ?? UNKNOWN;
    },
  };
}
