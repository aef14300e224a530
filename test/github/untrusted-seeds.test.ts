import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestDelivery, pushDelivery } from '../support/github-server/webhook-payloads.js';
import type { PullRequestRecord } from '../support/github-server/store.js';
import { openApiProblems } from '../support/github-server/openapi-conformance.js';
import { startAppHarness, type AppHarness } from './app-harness.js';

/**
 * A pull request from a fork names a kubeconfig Secret of the attacker's choosing (one whose content they could
 * influence in the master) for a Seed. Before merge, the bot must reach seeds only as the live master's Seeds say.
 */
describe('seeds a pull request adds or re-points', () => {
  let h: AppHarness;
  let listener: Server;
  let url: string;
  const received: string[] = [];
  let scratch: string;
  let tokenFile: string;

  beforeAll(async () => {
    h = await startAppHarness();
    await h.deliverAndWait(pushDelivery(h.gh, h.repo, 'main', '0'.repeat(40)));
    listener = createServer((req, res) => {
      received.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'ATTACKER-CONTROLLED-ANSWER', code: 403 }));
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
    scratch = mkdtempSync(join(tmpdir(), 'kkp-untrusted-'));
    tokenFile = join(scratch, 'token');
    writeFileSync(tokenFile, 'POD-SERVICEACCOUNT-TOKEN');
    const kubeconfig = (user: string) =>
      `apiVersion: v1\nkind: Config\nclusters:\n  - name: evil\n    cluster:\n      server: ${url}\nusers:\n  - name: evil\n    user:\n${user}\ncontexts:\n  - name: evil\n    context: {cluster: evil, user: evil}\ncurrent-context: evil\n`;
    putSecret('attacker-inline', kubeconfig('      token: inline-token'));
    putSecret('attacker-file', kubeconfig(`      token-file: ${tokenFile}`));
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
    await new Promise((resolve) => listener?.close(resolve));
    rmSync(scratch, { recursive: true, force: true });
  });

  function putSecret(name: string, kubeconfig: string): void {
    const master = h.sandbox.clusters.get('master')!.api;
    master.apply(master.typeOf('v1', 'Secret')!, 'kubermatic', name, { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'kubermatic' }, data: { kubeconfig: Buffer.from(kubeconfig).toString('base64') } }, { fieldManager: 'test' });
  }

  function forkPullRequest(branch: string, change: () => void): PullRequestRecord {
    const fork = h.gh.store.repositories.find((r) => r.fullName === 'mallory/kkp-config') ?? h.gh.addRepository({ owner: 'mallory', name: 'kkp-config', forkOf: h.repo });
    h.git('checkout', '--quiet', '-B', branch, 'main');
    change();
    h.commitAll(branch);
    h.git('push', '--quiet', '--force', fork.gitDir, branch);
    return h.gh.openPullRequest({ repository: h.repo, headRef: branch, headRepository: fork, user: 'mallory' });
  }

  const planComment = (pr: PullRequestRecord) => h.gh.store.commentsOn(pr.repositoryId, pr.number).find((c) => c.body.includes('<!-- kkp-gitops:plan'))!.body;

  it('does not contact a seed that is new in the pull request: planned as creates, and the comment says so', async () => {
    const pr = forkPullRequest('evil-seed', () => {
      const text = readFileSync(join(h.work, 'seeds/seed-us.yaml'), 'utf8');
      writeFileSync(join(h.work, 'seeds/seed-evil.yaml'), text.replace(/name: seed-us/, 'name: seed-evil').replace(/name: kubeconfig-seed-us/, 'name: attacker-inline').replace(/^(\s+)([a-z0-9-]+):\n(\s+)country:/m, '$1evil-dc:\n$3country:'));
    });
    await h.deliverAndWait(pullRequestDelivery(h.gh, pr, 'opened'));
    expect(received).toEqual([]);
    const body = planComment(pr);
    expect(body).toContain('create</b> <code>Seed/kubermatic/seed-evil</code>');
    expect(body).toMatch(/`seed-evil`: the seed was not reachable before merge: the master has no Seed of this name yet/);
    expect(body).not.toContain(url);
    expect(body).not.toContain('ATTACKER-CONTROLLED-ANSWER');
  });

  it('does not follow a changed kubeconfig reference of a live seed, and never reads a token file', async () => {
    const pr = forkPullRequest('repoint-seed', () => {
      const path = join(h.work, 'seeds/seed-us.yaml');
      writeFileSync(path, readFileSync(path, 'utf8').replace(/name: kubeconfig-seed-us/, 'name: attacker-file'));
    });
    const secretReads = () => h.sandbox.clusters.get('master')!.requests.entries.filter((r) => r.resource === 'secrets').length;
    await h.deliverAndWait(pullRequestDelivery(h.gh, pr, 'opened'));
    expect(received).toEqual([]);
    const body = planComment(pr);
    expect(body).toMatch(/`seed-us`: the seed was not reachable before merge: this pull request changes the kubeconfig Secret its Seed names/);
    expect(body).not.toContain(url);
    expect(body).not.toContain('POD-SERVICEACCOUNT-TOKEN');
    expect(secretReads()).toBeGreaterThan(0);
  });

  it("sent only requests GitHub's OpenAPI description documents, and got only answers it allows", () => {
    expect(openApiProblems(h.gh.requests)).toEqual([]);
  });
});
