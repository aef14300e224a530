import { describe, expect, it } from 'vitest';
import type { GitHubRepository, IssueComment } from '../../src/github/github-repository.js';
import { gitHubFailure, retryingGitHub } from '../../src/github/retry-github.js';

const answer = (status: number, headers: Record<string, string> = {}) => Object.assign(new Error(`HTTP ${status}`), { status, response: { headers } });
const NOW = Date.parse('2025-01-01T00:00:00Z');

/** A GitHub port over an in-memory comment list; `failures[method]` are thrown in turn, `madeAnyway` first does the write. */
function fakeGitHub(script: { failures?: Record<string, Error[]>; madeAnyway?: boolean } = {}) {
  const comments: IssueComment[] = [];
  const deployments: { id: number; environment: string; sha: string; state?: string }[] = [];
  const calls: string[] = [];
  const fail = (method: string, write?: () => void) => {
    calls.push(method);
    const error = script.failures?.[method]?.shift();
    if (error) {
      if (script.madeAnyway) write?.();
      throw error;
    }
    write?.();
  };
  const port = {
    owner: 'acme',
    name: 'kkp',
    fullName: 'acme/kkp',
    cloneUrl: 'http://example/acme/kkp.git',
    async listComments() {
      fail('listComments');
      return [...comments];
    },
    async createComment(_n: number, body: string) {
      const id = comments.length + 1;
      fail('createComment', () => comments.push({ id, body, byBot: true, authorLogin: 'kkp[bot]' }));
      return id;
    },
    async updateCheckRun() {
      fail('updateCheckRun');
    },
    async createDeployment(sha: string, environment: string) {
      const id = deployments.length + 7;
      fail('createDeployment', () => deployments.push({ id, environment, sha }));
      return id;
    },
    async deploymentsOf(sha: string) {
      fail('deploymentsOf');
      return deployments.filter((d) => d.sha === sha).map(({ id, environment }) => ({ id, environment, sha }));
    },
    async deploymentState(id: number) {
      fail('deploymentState');
      return deployments.find((d) => d.id === id)?.state;
    },
  } as unknown as GitHubRepository;
  return { port, comments, deployments, calls };
}

const fast = { sleep: async () => undefined, random: () => 0 };

describe('GitHub failures', () => {
  it('sorts rate limits, outages and refusals from permanent answers', () => {
    expect(gitHubFailure(answer(403, { 'retry-after': '3' }), NOW)).toEqual({ kind: 'rate-limited', afterMs: 3000 });
    expect(gitHubFailure(answer(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 30) }), NOW)).toEqual({ kind: 'rate-limited', afterMs: 30_000 });
    expect(gitHubFailure(answer(429), NOW)).toEqual({ kind: 'rate-limited' });
    expect(gitHubFailure(answer(502), NOW)).toEqual({ kind: 'unavailable' });
    expect(gitHubFailure(Object.assign(new Error('fetch failed'), { status: 500, cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }), NOW)).toEqual({ kind: 'unavailable' });
    expect(gitHubFailure(new Error('fetch failed', { cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }) }), NOW)).toEqual({ kind: 'refused' });
    expect(gitHubFailure(answer(403), NOW)).toEqual({ kind: 'permanent' });
    expect(gitHubFailure(answer(422), NOW)).toEqual({ kind: 'permanent' });
  });
});

describe('retryingGitHub', () => {
  it('does not create a second comment when GitHub made the first but answered 502', async () => {
    const gh = fakeGitHub({ failures: { createComment: [answer(502)] }, madeAnyway: true });
    const id = await retryingGitHub(gh.port, fast).createComment(1, 'the plan');
    expect(gh.comments.map((c) => c.body)).toEqual(['the plan']);
    expect(id).toBe(1);
    expect(gh.calls).toEqual(['createComment', 'listComments']);
  });

  it('does not create a second deployment when GitHub made the first but answered 502', async () => {
    const gh = fakeGitHub({ failures: { createDeployment: [answer(502)] }, madeAnyway: true });
    const id = await retryingGitHub(gh.port, fast).createDeployment('abc', 'kkp/master', 'apply');
    expect(gh.deployments.map((d) => [d.id, d.environment])).toEqual([[7, 'kkp/master']]);
    expect(id).toBe(7);
  });

  it('creates the deployment again when the 502 came before GitHub made it, even with an older one of the commit finished', async () => {
    const gh = fakeGitHub({ failures: { createDeployment: [answer(502)] } });
    gh.deployments.push({ id: 3, environment: 'kkp/master', sha: 'abc', state: 'success' });
    const id = await retryingGitHub(gh.port, fast).createDeployment('abc', 'kkp/master', 'apply');
    expect(gh.deployments.map((d) => d.id)).toEqual([3, 8]);
    expect(id).toBe(8);
  });

  it('creates the comment again when the 502 came before GitHub made it', async () => {
    const gh = fakeGitHub({ failures: { createComment: [answer(502)] } });
    await retryingGitHub(gh.port, fast).createComment(1, 'the plan');
    expect(gh.comments.map((c) => c.body)).toEqual(['the plan']);
    expect(gh.calls).toEqual(['createComment', 'listComments', 'createComment']);
  });

  it('waits out a secondary rate limit for as long as GitHub asks, then writes', async () => {
    const waits: number[] = [];
    const gh = fakeGitHub({ failures: { createComment: [answer(403, { 'retry-after': '2' })] } });
    await retryingGitHub(gh.port, { ...fast, sleep: async (ms) => void waits.push(ms) }).createComment(1, 'the plan');
    expect(waits).toEqual([2000]);
    expect(gh.comments).toHaveLength(1);
    expect(gh.calls).toEqual(['createComment', 'createComment']);
  });

  it('retries an idempotent update through 502 and 503, up to the bound', async () => {
    const gh = fakeGitHub({ failures: { updateCheckRun: [answer(502), answer(503)] } });
    await retryingGitHub(gh.port, fast).updateCheckRun(1, { status: 'completed', conclusion: 'success' });
    expect(gh.calls).toEqual(['updateCheckRun', 'updateCheckRun', 'updateCheckRun']);

    const failing = fakeGitHub({ failures: { updateCheckRun: [answer(502), answer(502), answer(502)] } });
    await expect(retryingGitHub(failing.port, { ...fast, attempts: 3 }).updateCheckRun(1, {})).rejects.toThrow('HTTP 502');
    expect(failing.calls).toHaveLength(3);
  });

  it('never repeats a write it cannot look up after a 502, and does not retry a permanent refusal', async () => {
    const gh = fakeGitHub({ failures: { createRelease: [answer(502)], updateCheckRun: [answer(422)] } });
    // A write added to the port later, with no way to look up what a lost answer made.
    const port = Object.assign(gh.port, { createRelease: async () => void (gh.calls.push('createRelease'), (() => { throw answer(502); })()) });
    const github = retryingGitHub(port, fast) as typeof port;
    await expect(github.createRelease()).rejects.toThrow('HTTP 502');
    await expect(github.updateCheckRun(1, {})).rejects.toThrow('HTTP 422');
    expect(gh.calls).toEqual(['createRelease', 'updateCheckRun']);
  });
});
