/**
 * Desired objects (rendered from a commit of the test repository) versus live objects (read in-process from the
 * sandbox), object by object: every desired object present with its desired labels, annotations and spec, and no
 * live object that kkp-gitops manages for this repository beyond them. The fault-injection tests and the
 * reliability benchmark end with this comparison, not only with the absence of errors.
 */
import { APPLIED_KINDS } from '../../src/core/kinds.js';
import { gitCommitSource } from '../../src/core/load/git-commit-source.js';
import { loadRepository } from '../../src/core/load/load-repository.js';
import { formatObjectId, type ObjectId } from '../../src/core/object-id.js';
import type { DesiredState } from '../../src/core/render/desired-state.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, REPOSITORY_LABEL, repositoryLabelValue } from '../../src/core/render/managed-labels.js';
import { renderDesiredState } from '../../src/core/render/render-desired-state.js';
import type { Sandbox } from '../../src/sandbox/index.js';

export interface Convergence {
  /** Objects the commit renders. */
  readonly desired: number;
  /** Live objects carrying this repository's managed-by labels. */
  readonly live: number;
  /** Desired objects with no live counterpart (`seed-eu: Cluster/shop-1`). */
  readonly missing: readonly string[];
  /** Desired objects whose live copy lacks a desired value: `seed-eu: Cluster/shop-1 at spec.humanReadableName`. */
  readonly differing: readonly string[];
  /** Live managed objects the commit does not render (left behind, or duplicated under another name). */
  readonly extra: readonly string[];
  /** Desired targets the sandbox has no cluster for. */
  readonly unknownTargets: readonly string[];
}

/** The objects `commit` of the Git repository at `gitDir` renders, stamped with `repository` (`owner/name`). */
export async function desiredAt(gitDir: string, commit: string, repository: string): Promise<DesiredState> {
  const loaded = await loadRepository(await gitCommitSource(gitDir, commit));
  return renderDesiredState(loaded, { repository });
}

/** Where `want` is not contained in `have`: objects by key (extra keys in `have` are fine), arrays and scalars exactly. */
function firstDifference(want: unknown, have: unknown, path: string): string | undefined {
  if (want !== null && typeof want === 'object' && !Array.isArray(want)) {
    if (have === null || typeof have !== 'object' || Array.isArray(have)) return path || '.';
    for (const [key, value] of Object.entries(want)) {
      const found = firstDifference(value, (have as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(have) || have.length !== want.length) return path;
    for (let i = 0; i < want.length; i++) {
      const found = firstDifference(want[i], have[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  return want === have ? undefined : path;
}

export function compareWithSandbox(desired: DesiredState, sandbox: Sandbox): Convergence {
  const missing: string[] = [];
  const differing: string[] = [];
  const extra: string[] = [];
  const unknownTargets: string[] = [];
  const label = repositoryLabelValue(desired.repository);
  let desiredCount = 0;
  let liveCount = 0;
  const wanted = new Set<string>();
  for (const target of desired.targets) {
    const cluster = sandbox.clusters.get(target.target);
    if (!cluster) {
      unknownTargets.push(target.target);
      continue;
    }
    for (const object of target.objects) {
      desiredCount++;
      const id = formatObjectId(object.id);
      wanted.add(id);
      const type = cluster.api.typeOf(object.id.apiVersion, object.id.kind);
      const live = type ? cluster.api.find(type, object.id.namespace, object.id.name) : undefined;
      if (!live) {
        missing.push(id);
        continue;
      }
      const { metadata, ...body } = object.manifest as unknown as { metadata: { labels?: unknown; annotations?: unknown } } & Record<string, unknown>;
      const { apiVersion: _a, kind: _k, ...fields } = body;
      const where = firstDifference({ metadata: { labels: metadata.labels ?? {}, annotations: metadata.annotations ?? {} }, ...fields }, live, '');
      if (where !== undefined) differing.push(`${id} at ${where}`);
    }
  }
  for (const [name, cluster] of sandbox.clusters) {
    for (const kind of APPLIED_KINDS) {
      const type = cluster.api.typeOf(kind.apiVersion, kind.kind);
      if (!type) continue;
      const { entries } = cluster.api.list(type, undefined);
      for (const { object } of entries) {
        const labels = object.metadata.labels ?? {};
        if (labels[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE || labels[REPOSITORY_LABEL] !== label) continue;
        liveCount++;
        const id: ObjectId = { target: name, apiVersion: kind.apiVersion, kind: kind.kind, name: object.metadata.name ?? '', ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}) };
        const formatted = formatObjectId(id);
        if (!wanted.has(formatted)) extra.push(formatted);
      }
    }
  }
  return { desired: desiredCount, live: liveCount, missing, differing, extra, unknownTargets };
}

/** True when every desired object is live with its desired fields and nothing extra is managed. */
export function converged(c: Convergence): boolean {
  return c.missing.length === 0 && c.differing.length === 0 && c.extra.length === 0 && c.unknownTargets.length === 0 && c.live === c.desired;
}

/** One line for reports: `42/42 desired objects live, 0 missing, 0 differing, 0 extra`. */
export function describeConvergence(c: Convergence): string {
  const head = `${c.desired - c.missing.length}/${c.desired} desired objects live, ${c.missing.length} missing, ${c.differing.length} differing, ${c.extra.length} extra`;
  const detail = [...c.missing.slice(0, 3).map((m) => `missing ${m}`), ...c.differing.slice(0, 3).map((d) => `differs ${d}`), ...c.extra.slice(0, 3).map((e) => `extra ${e}`)];
  return detail.length > 0 ? `${head} (${detail.join('; ')})` : head;
}
