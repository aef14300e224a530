import { KINDS } from '../kinds.js';
import type { LoadedRepository } from '../load/loaded-repository.js';
import type { SourceDocument } from '../load/source-document.js';
import { collectDatacenters, type DatacenterEntry } from '../model/collect-datacenters.js';
import { stringAt } from '../model/plain-data.js';

/**
 * A repository with the lookups rules need, built once per validation. Maps hold the first definition of a name
 * (duplicates are reported by their own rules). All lookups are O(1); building is linear in the documents.
 */
export interface RepositoryIndex {
  readonly repo: LoadedRepository;
  /** Every datacenter, duplicates included, in document order. */
  readonly datacenters: readonly DatacenterEntry[];
  readonly datacentersByName: ReadonlyMap<string, DatacenterEntry>;
  readonly seeds: ReadonlyMap<string, SourceDocument>;
  /** Projects by `metadata.name` (the project ID). */
  readonly projects: ReadonlyMap<string, SourceDocument>;
  /** Users by `metadata.name`. */
  readonly users: ReadonlyMap<string, SourceDocument>;
  /** Users by `spec.email`, lower-cased. */
  readonly usersByEmail: ReadonlyMap<string, SourceDocument>;
  readonly clusters: ReadonlyMap<string, SourceDocument>;
  readonly sshKeys: ReadonlyMap<string, SourceDocument>;
  /** Documents of one kind of the kind table (`Cluster`, `Datacenter`, ...), in document order. */
  documentsOf(kind: string): readonly SourceDocument[];
}

/** Kind names are unique in the kind table; the apiVersion must match too. */
const KIND_API_VERSION: ReadonlyMap<string, string> = new Map(KINDS.map((k) => [k.kind, k.apiVersion]));

/** Indexes by revision: a base shared by several pull requests (the engine keeps loaded revisions) is indexed once. */
const indexes = new WeakMap<LoadedRepository, RepositoryIndex>();

/** The index of a loaded revision, built once per revision (revisions are read-only). */
export function indexRepository(repo: LoadedRepository): RepositoryIndex {
  let index = indexes.get(repo);
  if (!index) indexes.set(repo, (index = buildIndex(repo)));
  return index;
}

function buildIndex(repo: LoadedRepository): RepositoryIndex {
  const byKind = new Map<string, SourceDocument[]>();
  for (const doc of repo.documents) {
    // Only documents whose apiVersion and kind are in the kind table (a `Cluster` of another group is not ours).
    if (KIND_API_VERSION.get(doc.kind) !== doc.apiVersion) continue;
    let list = byKind.get(doc.kind);
    if (!list) byKind.set(doc.kind, (list = []));
    list.push(doc);
  }
  const documentsOf = (kind: string): readonly SourceDocument[] => byKind.get(kind) ?? [];
  const datacenters = collectDatacenters(repo);
  return {
    repo,
    datacenters,
    datacentersByName: firstBy(datacenters, (d) => d.name),
    seeds: firstBy(documentsOf('Seed'), (d) => d.name),
    projects: firstBy(documentsOf('Project'), (d) => d.name),
    users: firstBy(documentsOf('User'), (d) => d.name),
    usersByEmail: firstBy(documentsOf('User'), (d) => stringAt(d.value, 'spec', 'email')?.toLowerCase()),
    clusters: firstBy(documentsOf('Cluster'), (d) => d.name),
    sshKeys: firstBy(documentsOf('UserSSHKey'), (d) => d.name),
    documentsOf,
  };
}

function firstBy<T>(items: readonly T[], key: (item: T) => string | undefined): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    if (k !== undefined && k !== '' && !map.has(k)) map.set(k, item);
  }
  return map;
}
