import { GITOPS_API_VERSION, KKP_API_VERSION } from '../kinds.js';
import type { LoadedRepository } from '../load/loaded-repository.js';
import type { SourceDocument } from '../load/source-document.js';
import { pointerOf } from './json-pointer.js';
import { isPlainObject, objectAt, stringAt, type PlainObject } from './plain-data.js';
import { providerKeysOf, type Provider } from './providers.js';

/**
 * KKP's datacenter object, as it goes into `Seed.spec.datacenters.<name>`, with only the keys that were written
 * (the release's Seed CRD, `schemas/kkp/<release>/seed.schema.json` `#/definitions/datacenter`, describes it once
 * its document passed the schema); read it defensively.
 */
export type KkpDatacenterSpec = Readonly<Record<string, unknown>>;

/** One datacenter of the repository, wherever it was written. */
export interface DatacenterEntry {
  readonly name: string;
  /** The seed it belongs to: the Seed it is written in, or a Datacenter document's `spec.seed` ('' when absent). */
  readonly seed: string;
  /** The provider key of its `spec`, when there is exactly one; undefined when none or several (a rule reports it). */
  readonly provider: Provider | undefined;
  /** Every provider key found in its `spec`, in key order. */
  readonly providers: readonly Provider[];
  /** The KKP datacenter object. Shares (read-only) values with the source document: copy before changing. */
  readonly spec: KkpDatacenterSpec;
  /** `datacenter`: its own Datacenter document (gitops.kkp.dev); `seed`: inline in a Seed's `spec.datacenters`. */
  readonly origin: 'datacenter' | 'seed';
  readonly source: SourceDocument;
  /**
   * JSON pointer to the KKP datacenter object in `source`: `/spec` in a Datacenter document,
   * `/spec/datacenters/<name>` in a Seed. The provider block is at `<pointer>/spec/<provider>`.
   */
  readonly pointer: string;
}

/**
 * Every datacenter of a repository, from Datacenter documents and from Seeds' inline `spec.datacenters`, in
 * document order. Duplicates are all returned (the validator reports them); indexes built on this list should keep
 * the first. Never throws on badly shaped documents: what is not an object is skipped.
 *
 * Used by the validator and the renderer (which groups entries by `seed` into `Seed.spec.datacenters`).
 */
export function collectDatacenters(repo: LoadedRepository): DatacenterEntry[] {
  const entries: DatacenterEntry[] = [];
  for (const doc of repo.documents) {
    if (doc.apiVersion === GITOPS_API_VERSION && doc.kind === 'Datacenter') {
      const spec = objectAt(doc.value, 'spec');
      entries.push(entry(doc.name, stringAt(spec, 'seed') ?? '', spec ?? {}, 'datacenter', doc, pointerOf('spec')));
    } else if (doc.apiVersion === KKP_API_VERSION && doc.kind === 'Seed') {
      const inline = objectAt(doc.value, 'spec', 'datacenters');
      if (!inline) continue;
      for (const [name, value] of Object.entries(inline)) {
        if (!isPlainObject(value)) continue;
        entries.push(entry(name, doc.name, value, 'seed', doc, pointerOf('spec', 'datacenters', name)));
      }
    }
  }
  return entries;
}

function entry(
  name: string,
  seed: string,
  object: PlainObject,
  origin: DatacenterEntry['origin'],
  source: SourceDocument,
  pointer: string,
): DatacenterEntry {
  const providers = providerKeysOf(object['spec']);
  const spec: Record<string, unknown> = {};
  for (const key of ['country', 'location', 'node', 'spec'] as const) {
    if (object[key] !== undefined) spec[key] = object[key];
  }
  return { name, seed, provider: providers.length === 1 ? providers[0] : undefined, providers, spec, origin, source, pointer };
}
