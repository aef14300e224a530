import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateRepository } from '../../../bench/generate-repository.js';
import { folderSource } from '../../../src/core/load/folder-source.js';
import { gitCommitSource } from '../../../src/core/load/git-commit-source.js';
import { loadRepository } from '../../../src/core/load/load-repository.js';
import { createParsedFileCache } from '../../../src/core/load/parsed-file-cache.js';
import { objectKey } from '../../../src/core/object-id.js';
import { computePlan } from '../../../src/core/plan/compute-plan.js';
import type { LiveState } from '../../../src/core/plan/live-state.js';
import { createPlanCache } from '../../../src/core/plan/plan-cache.js';
import type { Plan } from '../../../src/core/plan/plan.js';
import type { DesiredState } from '../../../src/core/render/desired-state.js';
import type { KubeObject } from '../../../src/core/render/kube-object.js';
import { renderDesiredState } from '../../../src/core/render/render-desired-state.js';
import { validateRepository } from '../../../src/core/validate/validate-repository.js';
import type { LoadedRepository } from '../../../src/core/load/loaded-repository.js';

const REPOSITORY = 'acme/fleet';
const scratch = mkdtempSync(join(tmpdir(), 'kkp-gitops-incremental-plan-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** mulberry32: a small seeded PRNG, so that a failing sequence is reproduced by its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Repository-relative paths of the work tree's files. */
function listFiles(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === '.git') return [];
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(root, path) : [relative(root, path)];
  });
}

/** The live side as an API server keeps it: every stored change gets a new resourceVersion, every new object a uid. */
class LiveClusters {
  private readonly targets = new Map<string, Map<string, KubeObject>>();
  private version = 1;

  state(): LiveState {
    return { targets: [...this.targets].map(([target, objects]) => ({ target, reachable: true as const, objects: [...objects.values()] })) };
  }

  /** Stores what the desired state says (a full apply, deletions included). */
  apply(desired: DesiredState): void {
    for (const t of desired.targets) {
      const before = this.targets.get(t.target) ?? new Map<string, KubeObject>();
      const after = new Map<string, KubeObject>();
      for (const o of t.objects) {
        const key = objectKey(o.id);
        const old = before.get(key);
        after.set(key, { ...o.manifest, metadata: { ...o.manifest.metadata, uid: old?.metadata.uid ?? `uid-${this.version}`, resourceVersion: String(this.version++) } });
      }
      this.targets.set(t.target, after);
    }
  }

  /** Someone edits, deletes, or creates an object outside Git. */
  tamper(random: () => number): void {
    const targets = [...this.targets.values()].filter((t) => t.size > 0);
    const objects = targets[Math.floor(random() * targets.length)];
    if (!objects) return;
    const keys = [...objects.keys()];
    const key = keys[Math.floor(random() * keys.length)]!;
    const object = objects.get(key)!;
    const roll = random();
    if (roll < 0.5) {
      const spec = { ...(object['spec'] as Record<string, unknown>), humanReadableName: `edited by hand ${this.version}` };
      objects.set(key, { ...object, spec, metadata: { ...object.metadata, resourceVersion: String(this.version++) } });
    } else if (roll < 0.75) {
      objects.delete(key);
    } else {
      const name = `${object.metadata.name}-foreign-${this.version}`;
      objects.set(`foreign-${name}`, { ...object, metadata: { name, ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}), uid: `uid-${this.version}`, resourceVersion: String(this.version++) } });
    }
  }
}

/**
 * One step of editing the generated repository: each returns what it did, for the failure message. The edits touch
 * what rendering depends on across files (a Datacenter moved to another seed moves its Clusters; a Cluster naming
 * another datacenter moves to its seed), documents added, removed, duplicated, appended to a file, and files reverted to
 * an earlier content (their blob id was seen before).
 */
function edit(work: string, random: () => number, history: Map<string, string[]>): string {
  const files = listFiles(work).filter((f) => f.endsWith('.yaml'));
  const pick = (filter: (f: string) => boolean) => {
    const some = files.filter(filter);
    return some[Math.floor(random() * some.length)];
  };
  const datacenters = files.filter((f) => f.startsWith('datacenters/')).map((f) => /([^/]+)\.yaml$/.exec(f)![1]!);
  const seeds = files.filter((f) => f.startsWith('seeds/')).map((f) => /([^/]+)\.yaml$/.exec(f)![1]!);
  const write = (file: string, text: string) => {
    const path = join(work, file);
    let before: string | undefined;
    try {
      before = readFileSync(path, 'utf8');
    } catch {
      before = undefined;
    }
    if (before !== undefined) history.set(file, [...(history.get(file) ?? []), before]);
    writeFileSync(path, text);
  };
  const read = (file: string) => readFileSync(join(work, file), 'utf8');
  const cluster = pick((f) => f.includes('/clusters/'));
  const roll = Math.floor(random() * 10);
  if (!cluster) return 'nothing';
  switch (roll) {
    case 0:
      write(cluster, read(cluster).replace(/humanReadableName: .*/, `humanReadableName: Renamed ${Math.floor(random() * 1000)}`));
      return `renamed ${cluster}`;
    case 1: {
      const dc = datacenters[Math.floor(random() * datacenters.length)]!;
      write(cluster, read(cluster).replace(/dc: .*/, `dc: ${dc}`));
      return `moved ${cluster} to datacenter ${dc}`;
    }
    case 2:
      write(cluster, read(cluster).replace(/dc: .*/, 'dc: nowhere'));
      return `pointed ${cluster} at a datacenter that does not exist`;
    case 3:
      rmSync(join(work, cluster));
      return `removed ${cluster}`;
    case 4: {
      const name = `added-${Math.floor(random() * 1e6)}`;
      write(cluster.replace(/[^/]+\.yaml$/, `${name}.yaml`), read(cluster).replace(/name: cluster-.*/, `name: ${name}`));
      return `added ${name} as a copy of ${cluster}`;
    }
    case 5:
      write(cluster.replace(/\.yaml$/, '-copy.yaml'), read(cluster));
      return `duplicated ${cluster}`;
    case 6: {
      const other = pick((f) => f.includes('/clusters/') && f !== cluster)!;
      write(cluster, `${read(cluster)}---\n${read(other).replace(/name: cluster-.*/, `name: appended-${Math.floor(random() * 1e6)}`)}`);
      return `appended a document to ${cluster}`;
    }
    case 7: {
      const dcFile = pick((f) => f.startsWith('datacenters/'));
      const seed = seeds[Math.floor(random() * seeds.length)]!;
      if (!dcFile) return 'nothing';
      write(dcFile, read(dcFile).replace(/seed: .*/, `seed: ${seed}`));
      return `moved ${dcFile} to ${seed}`;
    }
    case 8: {
      const seedFile = pick((f) => f.startsWith('seeds/'))!;
      write(seedFile, read(seedFile).replace(/location: Site .*/, `location: Site ${Math.floor(random() * 1000)}`));
      return `changed the location of ${seedFile}`;
    }
    default: {
      const edited = [...history.keys()];
      const file = edited[Math.floor(random() * edited.length)];
      if (!file) return 'nothing';
      const versions = history.get(file)!;
      write(file, versions[Math.floor(random() * versions.length)]!);
      return `reverted ${file} to an earlier content`;
    }
  }
}

/** JSON without the commit (only the Git read has one). */
function json(value: DesiredState | Plan): string {
  return JSON.stringify({ ...value, commit: undefined });
}

function planOf(desired: DesiredState, live: LiveState, allowDeletions: boolean, cache?: ReturnType<typeof createPlanCache>): Plan {
  return computePlan(desired, live, { allowDeletions, ...(cache ? { cache: cache.changes } : {}) });
}

describe('incremental planning', () => {
  it('renders and diffs again only the objects of the changed file; the others are the objects of the plan before', async () => {
    const work = join(scratch, 'repo-one-change');
    generateRepository(work, { seeds: 2, datacenters: 4, clusters: 12, projects: 2 });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    git('init', '--quiet', '--initial-branch=main');
    git('add', '-A');
    git('-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '--quiet', '-m', 'generated');
    const parsedFiles = createParsedFileCache();
    const cache = createPlanCache();
    const planHead = async () => {
      const desired = renderDesiredState(await loadRepository(await gitCommitSource(work, 'HEAD'), { parsedFiles }), { repository: REPOSITORY, cache: cache.render });
      return { desired, plan: computePlan(desired, live.state(), { cache: cache.changes }) };
    };
    const live = new LiveClusters();
    live.apply((await planHead()).desired);
    const before = await planHead();

    const file = 'projects/' + readdirSync(join(work, 'projects'))[0] + '/clusters/cluster-000000.yaml';
    writeFileSync(join(work, file), readFileSync(join(work, file), 'utf8').replace(/humanReadableName: .*/, 'humanReadableName: Changed'));
    git('-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '--quiet', '-am', 'one change');
    const after = await planHead();

    const objects = (d: DesiredState) => d.targets.flatMap((t) => t.objects);
    const changes = (p: Plan) => p.targets.flatMap((t) => t.stages.flatMap((s) => s.changes));
    const reRendered = objects(after.desired).filter((o) => !objects(before.desired).includes(o));
    // Seeds fold in Datacenter documents of other files: they are rendered every time (a few per repository).
    expect(reRendered.map((o) => `${o.id.kind}/${o.id.name}`).sort()).toEqual(['Cluster/cluster-000000', 'Seed/seed-000', 'Seed/seed-001']);
    const reDiffed = changes(after.plan).filter((c) => !changes(before.plan).includes(c));
    expect(reDiffed.map((c) => `${c.action} ${c.id.kind}/${c.id.name}`).sort()).toEqual(['unchanged Seed/seed-000', 'unchanged Seed/seed-001', 'update Cluster/cluster-000000']);
  });

  it.each([1, 2])('plans exactly what a full plan does over random edits of a generated repository (seed %i)', async (seed) => {
    const random = prng(seed);
    const work = join(scratch, `repo-${seed}`);
    generateRepository(work, { seeds: 3, datacenters: 9, clusters: 30, projects: 3 });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    git('init', '--quiet', '--initial-branch=main');
    const commit = (message: string) => {
      git('add', '-A');
      git('-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '--quiet', '--allow-empty', '-m', message);
    };
    commit('generated');

    // One planner kept across revisions (as the GitHub App's engine is), against planning every revision afresh.
    const parsedFiles = createParsedFileCache();
    const cache = createPlanCache();
    const live = new LiveClusters();
    const history = new Map<string, string[]>();
    const steps: string[] = [];
    let before: { incremental: LoadedRepository; full: LoadedRepository } | undefined;
    for (let step = 0; step < 20; step++) {
      const what = step === 0 ? 'generated' : edit(work, random, history);
      steps.push(what);
      if (step > 0) commit(what);
      // Incremental: the commit read from Git, files by blob id. Full: the same files read afresh from the work tree.
      const incremental = await loadRepository(await gitCommitSource(work, 'HEAD'), { parsedFiles });
      const full = await loadRepository(folderSource(work));
      const desiredIncremental = renderDesiredState(incremental, { repository: REPOSITORY, cache: cache.render });
      const desiredFull = renderDesiredState(full, { repository: REPOSITORY });
      const context = `seed ${seed}, after: ${steps.join('; ')}`;
      // Validation too: schema findings are kept per parsed document, indexes per revision.
      expect(JSON.stringify(validateRepository(incremental, before ? { base: before.incremental } : {})), context).toBe(JSON.stringify(validateRepository(full, before ? { base: before.full } : {})));
      before = { incremental, full };
      expect(json(desiredIncremental), context).toBe(json(desiredFull));
      const allowDeletions = random() < 0.5;
      expect(json(planOf(desiredIncremental, live.state(), allowDeletions, cache)), context).toBe(json(planOf(desiredFull, live.state(), allowDeletions)));
      // The clusters move too: applied, or edited by hand.
      const roll = random();
      if (roll < 0.4) {
        live.apply(desiredFull);
        steps.push('applied');
      } else if (roll < 0.7) {
        live.tamper(random);
        steps.push('tampered with a live object');
      }
    }
  }, 120_000);
});
