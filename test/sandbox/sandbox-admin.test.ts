/** The sandbox's admin endpoint: only the sandbox's own token may switch faults, and it checks what it is sent. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SERVICE_ACCOUNTS } from '../../src/emulator/rbac/rbac-resource-types.js';
import { SANDBOX_ADMIN_EXTENSION } from '../../src/sandbox/sandbox-admin.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/start-sandbox.js';

describe('the sandbox admin endpoint', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ seeds: ['seed-eu'], admin: true, masterAuthorization: true });
  });
  afterAll(async () => sandbox.stop());
  const call = (path: string, init: RequestInit = {}) => fetch(`${sandbox.admin!.url}${path}`, init);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it("is named, with the sandbox's token, in the kubeconfig's master entry", () => {
    const config = parse(sandbox.kubeconfigYaml) as { clusters: Array<{ name: string; cluster: { extensions?: Array<{ name: string; extension: Record<string, string> }> } }> };
    const master = config.clusters.find((c) => c.name === 'master')!;
    expect(master.cluster.extensions).toEqual([{ name: SANDBOX_ADMIN_EXTENSION, extension: { server: sandbox.admin!.url, token: sandbox.admin!.token } }]);
    expect(config.clusters.find((c) => c.name === 'seed-eu')!.cluster.extensions).toBeUndefined();
  });

  it('answers 401 without a token and 403 to a ServiceAccount token the master accepts', async () => {
    expect((await call('/faults/seed-eu')).status).toBe(401);
    const master = sandbox.clusters.get('master')!;
    master.api.create(SERVICE_ACCOUNTS, 'kubermatic', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bot', namespace: 'kubermatic' } });
    const token = master.rbac!.issueServiceAccountToken('kubermatic', 'bot');
    // The master authenticates the token (a 403 there would be RBAC, not authentication)...
    expect((await fetch(`${master.url}/version`, { headers: bearer(token) })).status).toBe(200);
    // ...the admin endpoint does not take it.
    expect((await call('/faults/seed-eu', { headers: bearer(token) })).status).toBe(403);
    expect((await call('/faults/seed-eu', { method: 'POST', headers: bearer(token), body: '{"refuse":true}' })).status).toBe(403);
    expect(sandbox.clusters.get('seed-eu')!.faults.refusingConnections).toBe(false);
  });

  it('switches the faults of a target with the sandbox token and refuses a command it does not know', async () => {
    const headers = bearer(sandbox.admin!.token);
    const set = await call('/faults/seed-eu', { method: 'POST', headers, body: JSON.stringify({ latencyMs: 25, failureRate: 0.5, failureStatus: 429 }) });
    expect(await set.json()).toEqual({ target: 'seed-eu', refusingConnections: false, latencyMs: 25, failureRate: 0.5, failureStatus: 429 });
    expect(sandbox.clusters.get('seed-eu')!.faults.settings).toMatchObject({ latencyMs: 25, failureRate: 0.5, failureStatus: 429 });
    const bad = await call('/faults/seed-eu', { method: 'POST', headers, body: JSON.stringify({ failureStatus: 418 }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ message: 'failureStatus must be one of 500, 503, 429' });
    expect((await call('/faults/seed-eu', { method: 'POST', headers, body: 'x'.repeat(10_000) })).status).toBe(413);
    expect((await call('/faults/nowhere', { headers })).status).toBe(404);
    const cleared = await call('/faults/seed-eu', { method: 'POST', headers, body: '{"clear":true}' });
    expect(await cleared.json()).toMatchObject({ latencyMs: 0, failureRate: 0 });
  });
});
