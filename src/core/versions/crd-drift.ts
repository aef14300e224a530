/**
 * Whether the master's installed KKP CustomResourceDefinitions are the ones of the release a repository selects
 * (`spec.kkpVersion`): each CRD the product uses is read by name from the master and its fingerprint
 * (`crdFingerprint`) compared with the release's, which `npm run generate-schemas` records from KKP's released
 * CRDs. A difference is a warning, never an error: the plan still runs, but the validator judged the documents
 * with another release's schemas than the master's apiserver will. Only CRD names (ours) and fixed words reach
 * the messages, never what the cluster answered.
 */
import type { ClusterClient, ResourceKind } from '../apply/cluster-client.js';
import { ApiRequestError } from '../apply/api-request-error.js';
import { WHOLE_FILE, type Diagnostic } from '../diagnostic.js';
import { ClusterUnreachableError } from '../errors.js';
import { KKP_RELEASE_VERSIONS, KKP_RELEASES, type KkpRelease } from '../kkp-release.js';
import { crdFingerprint } from './crd-fingerprint.js';

export const CRD_DRIFT_RULE = 'kkp/crd-drift';

export const CRD_KIND: ResourceKind = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions', namespaced: false };

/** How one CRD of the release differs on the master. */
export interface CrdDifference {
  /** `clusters.kubermatic.k8c.io`. */
  readonly name: string;
  readonly state: 'missing' | 'different';
}

/** The master's CRDs, by name: the fingerprint of each, or null when it is not installed. */
export type InstalledCrds = ReadonlyMap<string, string | null>;

/** The CRD names a release's fingerprints cover, sorted. */
export function releaseCrdNames(release: KkpRelease): string[] {
  return Object.keys(KKP_RELEASE_VERSIONS[release].crdFingerprints).sort();
}

/** The CRDs of `release` that the master lacks or holds with other schemas, sorted by name. */
export function compareCrds(release: KkpRelease, installed: InstalledCrds): CrdDifference[] {
  const expected = KKP_RELEASE_VERSIONS[release].crdFingerprints as Readonly<Record<string, string>>;
  return releaseCrdNames(release).flatMap((name): CrdDifference[] => {
    const fingerprint = installed.get(name);
    if (fingerprint === undefined || fingerprint === null) return [{ name, state: 'missing' }];
    return fingerprint === expected[name] ? [] : [{ name, state: 'different' }];
  });
}

/** The releases whose CRDs the master holds exactly, oldest first (usually one, or none). */
export function matchingReleases(installed: InstalledCrds): KkpRelease[] {
  return KKP_RELEASES.filter((release) => compareCrds(release, installed).length === 0);
}

/** Reads the fingerprints of every CRD any release covers (one GET each, at the same time). */
export async function readInstalledCrds(master: Pick<ClusterClient, 'get'>): Promise<InstalledCrds> {
  if (!master.get) throw new CrdReadError('master', 'its client cannot read single objects');
  const names = [...new Set(KKP_RELEASES.flatMap(releaseCrdNames))].sort();
  const read = await Promise.all(
    names.map(async (name): Promise<[string, string | null]> => {
      try {
        const crd = await master.get!(CRD_KIND, name);
        return [name, crd ? crdFingerprint(crd) : null];
      } catch (error) {
        if (error instanceof ApiRequestError) throw new CrdReadError('master', `the master answered HTTP ${error.status.code}`, { cause: error });
        if (error instanceof ClusterUnreachableError) throw new CrdReadError('master', 'the master did not answer', { cause: error });
        throw error;
      }
    }),
  );
  return new Map(read);
}

/** The master's CRDs could not be read (no permission, an old client): the check is skipped, not failed. */
export class CrdReadError extends ClusterUnreachableError {}

/** `clusters.kubermatic.k8c.io (different), seeds.kubermatic.k8c.io (missing)`. */
export function describeDifferences(differences: readonly CrdDifference[]): string {
  return differences.map((d) => `${d.name} (${d.state})`).join(', ');
}

export interface CrdDriftDiagnosticsOptions {
  readonly release: KkpRelease;
  /** The repository's configuration file, where the warning is placed. */
  readonly configFile: string;
}

/**
 * The CRD check of a plan as diagnostics on the configuration file: a warning naming the CRDs that differ from
 * the selected release, an info when they could not be read, nothing when they match. A master that cannot be
 * reached at all is reported by the plan itself.
 */
export async function crdDriftDiagnostics(master: Pick<ClusterClient, 'get'>, options: CrdDriftDiagnosticsOptions): Promise<Diagnostic[]> {
  const at = { file: options.configFile, ...WHOLE_FILE, pointer: '/spec/kkpVersion', rule: CRD_DRIFT_RULE };
  let installed: InstalledCrds;
  try {
    installed = await readInstalledCrds(master);
  } catch (error) {
    if (!(error instanceof CrdReadError)) throw error;
    return [{ ...at, severity: 'info', message: `The master's KKP CRDs were not compared with KKP ${options.release}: ${error.message}` }];
  }
  const differences = compareCrds(options.release, installed);
  if (differences.length === 0) return [];
  const matching = matchingReleases(installed);
  return [
    {
      ...at,
      severity: 'warning',
      message: `The master's KKP CRDs differ from KKP ${options.release} (spec.kkpVersion): ${describeDifferences(differences)}`,
      hint:
        matching.length > 0
          ? `The master runs the CRDs of KKP ${matching.join(', ')}: set spec.kkpVersion to it, or upgrade KKP on the master`
          : 'The master runs CRDs of no release kkp-gitops knows; documents are validated with the selected release only',
    },
  ];
}
