import { KKP_API_VERSION, KKP_NAMESPACE, kindInfo } from '../kinds.js';
import type { LoadedRepository } from '../load/loaded-repository.js';
import type { SourceDocument } from '../load/source-document.js';
import { collectDatacenters } from '../model/collect-datacenters.js';
import { objectKey, type ObjectId } from '../object-id.js';
import type { DesiredObject, DesiredState, DesiredTarget, KubeconfigReference, UnrenderedDocument } from './desired-state.js';
import { MASTER_TARGET } from './desired-state.js';
import { isJsonObject, type JsonObject, type KubeObject } from './kube-object.js';
import {
  DESIRED_HASH_ANNOTATION,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  REPOSITORY_ANNOTATION,
  REPOSITORY_LABEL,
  repositoryLabelValue,
  SOURCE_ANNOTATION,
} from './managed-labels.js';
import type { RenderCache } from './render-cache.js';
import { contentHash } from './stable-json.js';

export interface RenderOptions {
  /** Repository id stamped on every object (`owner/name`); decides which live objects this repository may prune. */
  readonly repository: string;
  /**
   * Objects rendered from earlier revisions, reused for documents that did not change (see `RenderCache`). Default:
   * none (every document is rendered and hashed).
   */
  readonly cache?: RenderCache;
}

/** Metadata fields a rendered manifest keeps from Git; the API server owns the rest. */
const KEPT_METADATA = ['name', 'namespace', 'labels', 'annotations'] as const;

/**
 * Valid documents → the objects each target should hold. The master gets every Seed (Datacenter files folded into
 * its `spec.datacenters`), Projects, Users, bindings and SSH keys; each seed gets the Clusters whose datacenter it
 * serves. Targets are `master` and every seed the repository declares, master first, seeds by name.
 * Pure: the documents are copied, never changed.
 */
export function renderDesiredState(repo: LoadedRepository, options: RenderOptions): DesiredState {
  const datacenters = collectDatacenters(repo);
  // Duplicates are the validator's to report; the first definition wins, as in every index over this list.
  const named = new Set<string>();
  const firstDatacenters = datacenters.filter((d) => !named.has(d.name) && named.add(d.name) !== undefined);
  const seedOfDatacenter = new Map(firstDatacenters.map((d) => [d.name, d.seed]));
  const seedDocuments = repo.documents.filter((d) => d.apiVersion === KKP_API_VERSION && d.kind === 'Seed' && d.name !== '');
  const seedNames = [...new Set(seedDocuments.map((d) => d.name))].sort();

  const objects = new Map<string, DesiredObject[]>([[MASTER_TARGET, []], ...seedNames.map((s): [string, DesiredObject[]] => [s, []])]);
  const seen = new Set<string>();
  const unrendered: UnrenderedDocument[] = [];

  for (const doc of repo.documents) {
    const info = kindInfo(doc.apiVersion, doc.kind);
    if (!info || info.applyOrder === undefined) continue;
    // The annotation keeps `<file>#<document index>` (stable while lines above move); reports cite `<file>:<line>`,
    // the convention of `validate`.
    const source = `${doc.file}#${doc.index}`;
    // Locating a node parses its file once more: the loader's line of the document is enough here.
    const location = () => `${doc.file}:${doc.line ?? doc.locate('').line}`;
    if (doc.name === '') {
      unrendered.push({ source: location(), reason: 'it has no metadata.name' });
      continue;
    }
    let target = MASTER_TARGET;
    if (info.target === 'seed') {
      const dc = datacenterOf(doc);
      const seed = dc === undefined ? undefined : seedOfDatacenter.get(dc);
      if (seed === undefined || !objects.has(seed)) {
        unrendered.push({ source: location(), reason: dc === undefined ? 'it names no datacenter (spec.cloud.dc)' : `its datacenter '${dc}' belongs to no seed in the repository` });
        continue;
      }
      target = seed;
    }
    const namespace = info.namespaced ? (doc.namespace ?? KKP_NAMESPACE) : undefined;
    const id: ObjectId = { target, apiVersion: doc.apiVersion, kind: doc.kind, name: doc.name, ...(namespace ? { namespace } : {}) };
    const key = objectKey(id);
    if (seen.has(key)) {
      unrendered.push({ source: location(), reason: 'the same object is defined by an earlier document' });
      continue;
    }
    seen.add(key);
    // A Seed folds in the Datacenter documents of other files: only the other kinds are a function of their document.
    const inputs = doc.kind === 'Seed' ? undefined : `${options.repository}\u0000${target}\u0000${namespace ?? ''}\u0000${source}`;
    const rendered = inputs === undefined ? undefined : options.cache?.get(doc.value, inputs);
    if (rendered) {
      objects.get(target)!.push(rendered);
      continue;
    }
    let body = baseManifest(doc, namespace);
    if (doc.kind === 'Seed') {
      const own = firstDatacenters.filter((d) => d.seed === doc.name);
      const spec = isJsonObject(body['spec']) ? body['spec'] : {};
      if (own.length > 0 || spec['datacenters'] !== undefined) {
        body = { ...body, spec: { ...spec, datacenters: Object.fromEntries(own.map((d) => [d.name, structuredClone(d.spec)])) } };
      }
    }
    const object = stamp(id, body, source, location(), options.repository);
    if (inputs !== undefined) options.cache?.set(doc.value, inputs, object);
    objects.get(target)!.push(object);
  }

  const targets: DesiredTarget[] = [...objects.entries()].map(([target, list]) => {
    const seed = seedDocuments.find((d) => d.name === target);
    return { target, objects: list, ...(seed ? { kubeconfig: kubeconfigReference(seed) } : {}) };
  });
  return { repository: options.repository, ...(repo.commit ? { commit: repo.commit } : {}), targets, unrendered };
}

function datacenterOf(doc: SourceDocument): string | undefined {
  const spec = doc.value['spec'];
  const cloud = isJsonObject(spec) ? spec['cloud'] : undefined;
  const dc = isJsonObject(cloud) ? cloud['dc'] : undefined;
  return typeof dc === 'string' && dc !== '' ? dc : undefined;
}

/** A deep copy of the document without status and without server-owned metadata. */
function baseManifest(doc: SourceDocument, namespace: string | undefined): JsonObject {
  const copy = structuredClone(doc.value) as JsonObject;
  delete copy['status'];
  const meta = isJsonObject(copy['metadata']) ? copy['metadata'] : {};
  const kept: JsonObject = {};
  for (const field of KEPT_METADATA) if (meta[field] !== undefined) kept[field] = meta[field];
  if (namespace) kept['namespace'] = namespace;
  else delete kept['namespace'];
  return { ...copy, metadata: kept };
}

function stamp(id: ObjectId, body: JsonObject, source: string, location: string, repository: string): DesiredObject {
  const meta = body['metadata'] as JsonObject;
  const labels = { ...(isJsonObject(meta['labels']) ? (meta['labels'] as Record<string, string>) : {}) };
  labels[MANAGED_BY_LABEL] = MANAGED_BY_VALUE;
  labels[REPOSITORY_LABEL] = repositoryLabelValue(repository);
  const annotations = { ...(isJsonObject(meta['annotations']) ? (meta['annotations'] as Record<string, string>) : {}) };
  delete annotations[DESIRED_HASH_ANNOTATION];
  annotations[REPOSITORY_ANNOTATION] = repository;
  annotations[SOURCE_ANNOTATION] = source;
  const unhashed = { ...body, metadata: { ...meta, labels, annotations } };
  const hash = contentHash(unhashed);
  const manifest = { ...unhashed, metadata: { ...meta, labels, annotations: { ...annotations, [DESIRED_HASH_ANNOTATION]: hash } } } as unknown as KubeObject;
  return { id, manifest, source, location, hash };
}

function kubeconfigReference(seed: SourceDocument): KubeconfigReference {
  const spec = seed.value['spec'];
  const ref = isJsonObject(spec) && isJsonObject(spec['kubeconfig']) ? spec['kubeconfig'] : {};
  const str = (v: unknown, fallback: string) => (typeof v === 'string' && v !== '' ? v : fallback);
  return { name: str(ref['name'], ''), namespace: str(ref['namespace'], seed.namespace ?? KKP_NAMESPACE), fieldPath: str(ref['fieldPath'], 'kubeconfig') };
}
