/** The rough edges a newcomer met on a fresh clone, each refused or explained with a clear message. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveMasterKubeconfig } from '../../src/cli/master-kubeconfig.js';
import { ConfigurationError } from '../../src/core/errors.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/start-sandbox.js';
import { runCli } from './support/run-cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kkp-gitops-newcomer-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KUBECONFIG = `apiVersion: v1
kind: Config
current-context: master
clusters: [{ name: master, cluster: { server: "http://127.0.0.1:1" } }, { name: seed, cluster: { server: "http://127.0.0.1:2" } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: master, context: { cluster: master, user: u } }, { name: seed, context: { cluster: seed, user: u } }]
`;

describe('plan and validate on a folder that is not a repository', () => {
  it('refuses the kkp-gitops checkout itself, naming the repositories in its subfolders', async () => {
    const result = await runCli('validate', ROOT);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('has no kkp-gitops.yaml; it holds repositories in subfolders (examples');
    expect(result.stderr).toContain(`npx kkp-gitops validate ${join(ROOT, 'examples')}`);
    expect(result.stdout).toBe('');
  });

  it('refuses a folder with no kkp-gitops.yaml and no KKP documents, for validate and for plan', async () => {
    const other = join(dir, 'not-a-repository');
    mkdirSync(other);
    writeFileSync(join(other, 'compose.yaml'), 'services: { web: { image: nginx } }\n');
    const validate = await runCli('validate', other);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toContain(`${other} has no kkp-gitops.yaml and no KKP documents`);
    const plan = await runCli('plan', other, '--kubeconfig', join(dir, 'unused'));
    expect(plan.code).toBe(2);
    expect(plan.stderr).toContain('no KKP documents');
  });

  it('still validates a folder of KKP documents without kkp-gitops.yaml', async () => {
    const bare = join(dir, 'bare');
    mkdirSync(bare);
    writeFileSync(join(bare, 'project.yaml'), 'apiVersion: kubermatic.k8c.io/v1\nkind: Project\nmetadata: { name: shop7k2q }\nspec: { name: Shop }\n');
    expect((await runCli('validate', bare)).code).toBe(0);
  });
});

describe("the master's kubeconfig", () => {
  it('fails clearly when there is no --kubeconfig, no $KUBECONFIG and no ~/.kube/config', () => {
    const home = join(dir, 'empty-home');
    mkdirSync(home, { recursive: true });
    expect(() => resolveMasterKubeconfig({ inCluster: false }, {}, home)).toThrow(ConfigurationError);
    expect(() => resolveMasterKubeconfig({ inCluster: false }, {}, home)).toThrow(`no kubeconfig: no --kubeconfig, $KUBECONFIG is unset and ${join(home, '.kube', 'config')} does not exist`);
    expect(() => resolveMasterKubeconfig({ inCluster: false }, { KUBECONFIG: join(home, 'nope') }, home)).toThrow('$KUBECONFIG names');
  });

  it('names the kubeconfig and the context it uses, from the flag, $KUBECONFIG or ~/.kube/config', () => {
    const file = join(dir, 'kubeconfig');
    writeFileSync(file, KUBECONFIG);
    expect(resolveMasterKubeconfig({ inCluster: false, kubeconfig: file }).description).toBe(`context "master" of the kubeconfig ${file} (--kubeconfig)`);
    expect(resolveMasterKubeconfig({ inCluster: false, context: 'seed' }, { KUBECONFIG: file }).description).toBe(`context "seed" of the kubeconfig ${file} ($KUBECONFIG)`);
    const home = join(dir, 'home');
    mkdirSync(join(home, '.kube'), { recursive: true });
    writeFileSync(join(home, '.kube', 'config'), KUBECONFIG);
    expect(resolveMasterKubeconfig({ inCluster: false }, {}, home).description).toBe(`context "master" of the kubeconfig ${join(home, '.kube', 'config')} (the default)`);
  });
});

describe('kkp-gitops sandbox', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ seeds: ['seed-eu'] });
  });
  afterAll(async () => sandbox?.stop());

  it('refuses --seeds that names no seed', async () => {
    const result = await runCli('sandbox', '--seeds', ',,');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--seeds ",," names no seed');
  });

  it("refuses to overwrite the kubeconfig of a sandbox that is still running, or another cluster's", async () => {
    const path = join(dir, 'running', 'kubeconfig');
    mkdirSync(join(dir, 'running'));
    writeFileSync(path, sandbox.kubeconfigYaml);
    const result = await runCli('sandbox', '--kubeconfig-out', path);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`another sandbox is running with the kubeconfig ${path} (its master answers at ${sandbox.clusters.get('master')!.url}`);
    expect(readFileSync(path, 'utf8')).toBe(sandbox.kubeconfigYaml);

    const real = join(dir, 'real-kubeconfig');
    writeFileSync(real, KUBECONFIG.replace('http://127.0.0.1:1', 'https://kkp.example.com:6443'));
    const other = await runCli('sandbox', '--kubeconfig-out', real);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('is a kubeconfig of other clusters (master https://kkp.example.com:6443)');
  });
});
