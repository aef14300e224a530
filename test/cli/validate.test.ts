import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

const ROOT = join(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test/fixtures/rules');

let stdout = '';
let stderr = '';
beforeEach(() => {
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
});
afterEach(() => vi.restoreAllMocks());

const validate = (...args: string[]) => main(['validate', ...args]);

describe('kkp-gitops validate', () => {
  it('exits 0 on the examples', async () => {
    expect(await validate(join(ROOT, 'examples'))).toBe(0);
    expect(stdout).toMatch(/^valid: no problems found$/m);
  });

  it('exits 1 and prints file:line:col severity rule message, the ignored inputs and a summary', async () => {
    expect(await validate(join(FIXTURES, 'cluster-datacenter-exists-fail'))).toBe(1);
    expect(stdout).toContain('Ignored 1 input:\n  expected.json: ');
    expect(stdout).toContain('clusters/shop-prod.yaml:11:9 error cluster/datacenter-exists datacenter "aws-us-east-3" of cluster "shop-prod" does not exist\n    hint: Did you mean "aws-us-east-2"?');
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('invalid: 1 error, 0 warnings in 1 file');
  });

  it('prints machine-readable JSON with --format json', async () => {
    expect(await validate(join(FIXTURES, 'cluster-datacenter-exists-fail'), '--format', 'json')).toBe(1);
    const output = JSON.parse(stdout);
    expect(output.valid).toBe(false);
    expect(output.summary).toEqual({ errors: 1, warnings: 0, infos: 0, files: 1 });
    expect(output.diagnostics[0]).toMatchObject({ file: 'clusters/shop-prod.yaml', line: 11, rule: 'cluster/datacenter-exists', pointer: '/spec/cloud/dc' });
    expect(output.ignored).toEqual([expect.objectContaining({ file: 'expected.json' })]);
  });

  it('prints GitHub workflow-command annotations with --format github', async () => {
    expect(await validate(join(FIXTURES, 'cluster-datacenter-exists-fail'), '--format=github')).toBe(1);
    expect(stdout).toBe(
      '::error file=clusters/shop-prod.yaml,line=11,col=9,endLine=11,endColumn=22,title=cluster/datacenter-exists::datacenter "aws-us-east-3" of cluster "shop-prod" does not exist%0ADid you mean "aws-us-east-2"?\n',
    );
  });

  it('exits 2 with one line and no stack trace for a missing folder', async () => {
    expect(await validate(join(ROOT, 'no-such-folder'))).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^kkp-gitops validate: cannot read the folder .*no-such-folder: no such folder\n$/);
  });

  it('exits 2 for an unknown format or an unknown flag', async () => {
    expect(await validate(ROOT, '--format', 'xml')).toBe(2);
    expect(stderr).toBe('kkp-gitops validate: unknown format "xml": use text, json, github\n');
    expect(await validate(ROOT, '--bogus')).toBe(2);
    expect(stderr.split('\n').filter(Boolean)).toHaveLength(2);
  });
});

describe('kkp-gitops validate with Git revisions', () => {
  let repo: string;
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { cwd: repo, stdio: 'pipe' });

  beforeAll(() => {
    // The desired-state repository lives in a subfolder of the Git work tree, as examples/ does here.
    repo = mkdtempSync(join(tmpdir(), 'kkp-gitops-validate-'));
    git('init', '-q', '-b', 'main');
    cpSync(join(FIXTURES, 'change-datacenter-removed-fail/base'), join(repo, 'config'), { recursive: true });
    git('add', '.');
    git('commit', '-q', '-m', 'base');
    rmSync(join(repo, 'config/datacenters/gcp-us-east1.yaml'));
    git('add', '-A');
    git('commit', '-q', '-m', 'remove a datacenter still in use');
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it('checks the change against --base and blocks removing a datacenter that clusters still use', async () => {
    expect(await validate(join(repo, 'config'), '--base', 'HEAD~1')).toBe(1);
    expect(stdout).toContain('clusters/shop-gcp.yaml:11:9 error change/datacenter-removed datacenter "gcp-us-east1" is removed by this change');
  });

  it('validates a commit instead of the folder with --rev', async () => {
    expect(await validate(join(repo, 'config'), '--rev', 'HEAD~1')).toBe(0);
    expect(await validate(join(repo, 'config'), '--rev', 'HEAD', '--base', 'HEAD~1')).toBe(1);
  });

  it('exits 2 with one line for an unknown revision', async () => {
    expect(await validate(join(repo, 'config'), '--base', 'no-such-branch')).toBe(2);
    expect(stderr).toMatch(/^kkp-gitops validate: unknown revision "no-such-branch" in .*: no commit has that name\n$/);
  });

  it('exits 2 when --base is given outside a Git repository', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'kkp-gitops-not-git-'));
    try {
      expect(await validate(folder, '--base', 'HEAD')).toBe(2);
      expect(stderr).toMatch(/is not inside a Git repository/);
      expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('the kkp-gitops binary', () => {
  beforeAll(() => {
    // The binary runs dist/: build it when it is missing or older than the command's source.
    const built = join(ROOT, 'dist/cli/commands/validate.js');
    if (!existsSync(built) || statSync(built).mtimeMs < statSync(join(ROOT, 'src/cli/commands/validate.ts')).mtimeMs) {
      spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
    }
  }, 120_000);

  const spawn = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/kkp-gitops.js'), 'validate', ...args], { cwd: ROOT, encoding: 'utf8' });

  it('exits 0 on the examples', () => {
    const result = spawn('examples');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('prints one line and no stack trace for a missing folder, and exits 2', () => {
    const result = spawn('no-such-folder');
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('kkp-gitops validate: cannot read the folder no-such-folder: no such folder\n');
  });
});
