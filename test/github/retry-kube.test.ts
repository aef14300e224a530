import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../../src/core/apply/api-request-error.js';
import { ClusterUnreachableError } from '../../src/core/errors.js';
import { callKubeApi, kubeTransience } from '../../src/kube/call-kube-api.js';

const status = (code: number, headers: Record<string, string> = {}) => new ApiException(code, `HTTP ${code}`, JSON.stringify({ kind: 'Status', code, message: `answered ${code}` }), headers);
const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
const refused = () => new Error('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });

/** Answers the given failures in turn, then `ok`; counts the calls. */
function answers(...failures: unknown[]) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    call: async () => {
      const failure = failures[calls++];
      if (failure !== undefined) throw failure;
      return 'ok';
    },
  };
}

const noWait = { sleep: async () => undefined, random: () => 0 };

describe('the Kubernetes retry policy', () => {
  it('retries 429 and 503 for every request, honouring Retry-After', () => {
    expect(kubeTransience(status(429, { 'retry-after': '2' }), false)).toEqual({ retry: true, afterMs: 2000 });
    expect(kubeTransience(status(503), false)).toEqual({ retry: true });
  });

  it('retries 500, 502, 504 and reset connections only for requests that may be repeated', () => {
    for (const error of [status(500), status(502), status(504), reset()]) {
      expect(kubeTransience(error, true).retry).toBe(true);
      expect(kubeTransience(error, false).retry).toBe(false);
    }
  });

  it('retries a refused connection even for a create: the server never saw it', () => {
    expect(kubeTransience(refused(), false).retry).toBe(true);
  });

  it('never retries answers that will not change: 400, 404, 409, 422', () => {
    for (const code of [400, 403, 404, 409, 422]) expect(kubeTransience(status(code), true).retry).toBe(false);
  });

  it('converges through a run of 503 and 502 answers', async () => {
    const api = answers(status(503), status(502), status(503));
    await expect(callKubeApi('seed-eu', 'https://seed', 'list clusters', api.call, { retry: noWait })).resolves.toBe('ok');
    expect(api.calls).toBe(4);
  });

  it('gives up after the bound with the apiserver’s Status as a typed error', async () => {
    const api = answers(status(503), status(503), status(503), status(503));
    const error = await callKubeApi('master', 'https://master', 'apply', api.call, { retries: 2, retry: noWait }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiRequestError);
    expect((error as ApiRequestError).status.code).toBe(503);
    expect(api.calls).toBe(3);
  });

  it('does not repeat a create that hit a 502 (it may have been made)', async () => {
    const api = answers(status(502));
    await expect(callKubeApi('master', 'https://master', 'create lease', api.call, { idempotent: false, retry: noWait })).rejects.toBeInstanceOf(ApiRequestError);
    expect(api.calls).toBe(1);
  });

  it('reports a target that keeps refusing connections as unreachable after the retries', async () => {
    const api = answers(refused(), refused(), refused());
    const error = await callKubeApi('seed-us', 'https://seed-us', 'list seeds', api.call, { retries: 2, retry: noWait }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterUnreachableError);
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect(api.calls).toBe(3);
  });
});
