import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { startCliLandscape, type CliLandscape } from './support/cli-landscape.js';

let landscape: CliLandscape;
let sandbox: Sandbox;
let dir: string;
let kubeconfig: string;

beforeEach(async () => {
  landscape = await startCliLandscape();
  ({ sandbox, dir, kubeconfig } = landscape);
});
afterEach(() => landscape.stop());

const cli = runCli;

const writeRequests = (dryRun: boolean) =>
  [...sandbox.clusters.values()].reduce((n, c) => n + c.requests.entries.filter((r) => ['create', 'update', 'patch', 'delete'].includes(r.verb) && r.dryRun === dryRun).length, 0);
/** Writes that persist; dry-runs are counted apart. */
const writes = () => writeRequests(false);
const dryRuns = () => writeRequests(true);
const target = () => ['--kubeconfig', kubeconfig, '--context', 'master'];

describe('kkp-gitops plan and apply', () => {
  it('plans everything to create (exit 1), applies it (exit 1), then finds nothing to change (exit 0)', async () => {
    const plan = await cli('plan', join(dir, 'repo'), ...target());
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain('Plan for acme/kkp-config: 10 to create');
    expect(plan.stdout).toContain('+ create    Cluster/shop-eu');
    expect(writes()).toBe(0);
    // The API servers judged each of the ten creates with one dry-run request.
    expect(dryRuns()).toBe(10);

    const apply = await cli('apply', join(dir, 'repo'), ...target());
    expect(apply.code).toBe(1);
    expect(apply.stdout).toContain('Apply for acme/kkp-config: 10 created');

    const dryRunsBefore = dryRuns();
    const again = await cli('plan', join(dir, 'repo'), ...target(), '--format', 'json');
    expect(again.code).toBe(0);
    // A no-op plan sends no dry-run.
    expect(dryRuns()).toBe(dryRunsBefore);
    const json = JSON.parse(again.stdout) as { type: string; targets: { stages: { changes: { action: string }[] }[] }[] };
    expect(json.type).toBe('plan');
    expect(new Set(json.targets.flatMap((t) => t.stages.flatMap((s) => s.changes.map((c) => c.action))))).toEqual(new Set(['unchanged']));

    const noop = await cli('apply', join(dir, 'repo'), ...target());
    expect(noop.code).toBe(0);
    expect(noop.stdout).toContain('Nothing to apply.');
  });

  it('prints a Markdown plan with a summary table per target', async () => {
    const { code, stdout } = await cli('plan', join(dir, 'repo'), ...target(), '--format', 'markdown');
    expect(code).toBe(1);
    expect(stdout).toContain('| `seed-eu` | 2 | 0 | 0 | 0 | 0 | ready |');
    expect(stdout).toContain('<details><summary><b>create</b> <code>Cluster/shop-eu</code>');
  });

  it('applies with --dry-run through KKP admission without storing anything', async () => {
    expect((await cli('apply', join(dir, 'repo'), ...target())).code).toBe(1);
    const file = join(dir, 'repo', 'projects', 'shop', 'clusters', 'shop-eu.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('Shop (EU)', 'Shop (Europe)'));
    const { code, stdout } = await cli('apply', join(dir, 'repo'), ...target(), '--dry-run');
    expect(code).toBe(1);
    expect(stdout).toContain('Apply (dry run) for acme/kkp-config: 0 would be created, 1 would be updated');
    const seed = sandbox.clusters.get('seed-eu')!.api;
    const live = seed.find(seed.typeOf('kubermatic.k8c.io/v1', 'Cluster')!, undefined, 'shop-eu') as unknown as { spec: { humanReadableName: string } };
    expect(live.spec.humanReadableName).toBe('Shop (EU)');
  });

  it('prints validation errors and exits 2 without reading the clusters', async () => {
    const file = join(dir, 'repo', 'projects', 'shop', 'clusters', 'shop-eu.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('dc: aws-eu-central-1', 'dc: nowhere-1'));
    for (const c of sandbox.clusters.values()) c.requests.clear();
    const { code, stderr } = await cli('plan', join(dir, 'repo'), ...target());
    expect(code).toBe(2);
    expect(stderr).toContain('projects/shop/clusters/shop-eu.yaml');
    expect(stderr).toContain('nothing was planned');
    expect([...sandbox.clusters.values()].reduce((n, c) => n + c.requests.count, 0)).toBe(0);
  });

  it('exits 2 when a seed is unreachable, after applying the other targets', async () => {
    await sandbox.clusters.get('seed-us')!.faults.refuseConnections();
    try {
      const { code, stdout } = await cli('apply', join(dir, 'repo'), ...target());
      expect(code).toBe(2);
      expect(stdout).toMatch(/seed-us: unreachable: .*ECONNREFUSED/);
      expect(stdout).toContain('seed-eu (applied): 2 create');
    } finally {
      await sandbox.clusters.get('seed-us')!.faults.acceptConnections();
    }
  });

  it('explains an unknown context or a missing kubeconfig file without a stack trace', async () => {
    const context = await cli('plan', join(dir, 'repo'), '--kubeconfig', kubeconfig, '--context', 'nope');
    expect(context.code).toBe(2);
    expect(context.stderr).toBe("kkp-gitops plan: the kubeconfig has no context 'nope' (it has: master, seed-eu, seed-us)\n");
    const missing = await cli('apply', join(dir, 'repo'), '--kubeconfig', join(dir, 'missing'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^kkp-gitops apply: cannot read the kubeconfig file .*missing/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });

  it('names the other field manager when an apply conflicts, and takes the field over with --force-conflicts', async () => {
    expect((await cli('apply', join(dir, 'repo'), ...target())).code).toBe(1);
    const master = sandbox.clusters.get('master')!.api;
    const projects = master.typeOf('kubermatic.k8c.io/v1', 'Project')!;
    master.apply(projects, undefined, 'shop4x7k2m', { apiVersion: 'kubermatic.k8c.io/v1', kind: 'Project', metadata: { name: 'shop4x7k2m' }, spec: { name: 'By hand' } }, { fieldManager: 'kubectl-edit', force: true });
    const refused = await cli('apply', join(dir, 'repo'), ...target());
    expect(refused.code).toBe(2);
    expect(refused.stdout).toContain('[drift, error]');
    expect(refused.stdout).toContain('fields owned by kubectl-edit; apply with force to take them over');
    const forced = await cli('apply', join(dir, 'repo'), ...target(), '--force-conflicts');
    expect(forced.code).toBe(1);
    expect((master.find(projects, undefined, 'shop4x7k2m') as unknown as { spec: { name: string } }).spec.name).toBe('Web shop');
  });

  it('plans a Git revision with --rev instead of the files in the folder', async () => {
    const repo = join(dir, 'repo');
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
    git('init', '-q');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '--allow-empty', '-m', 'empty');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'all');
    rmSync(join(repo, 'projects'), { recursive: true });
    const folder = await cli('plan', repo, ...target());
    const committed = await cli('plan', repo, ...target(), '--rev', 'HEAD');
    expect(folder.stdout).toMatch(/^Plan for acme\/kkp-config: 3 to create/);
    expect(committed.code).toBe(1);
    expect(committed.stdout).toMatch(/^Plan for acme\/kkp-config @ [0-9a-f]{7}: 10 to create/);
    const empty = await cli('plan', repo, ...target(), '--rev', 'HEAD~1');
    expect(empty.stdout).toMatch(/Plan for \S+ @ [0-9a-f]{7}: 0 to create/);
  });

  it('refuses an unknown format', async () => {
    const { code, stderr } = await cli('plan', join(dir, 'repo'), ...target(), '--format', 'yaml');
    expect(code).toBe(2);
    expect(stderr).toContain('unknown format "yaml"');
  });
});
