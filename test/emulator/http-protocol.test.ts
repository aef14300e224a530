/** The HTTP side of the emulator: discovery, OpenAPI, tables, bodies and watches as clients see them. */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRDS } from '../../src/emulator/resource-type.js';
import { type EmulatedCluster, startEmulator } from '../../src/emulator/start-emulator.js';
import { kkpCrds } from '../../src/sandbox/kkp-crds.js';

interface Answer {
  status: number;
  contentType: string;
  text: string;
  json: () => Record<string, unknown>;
}

function call(cluster: EmulatedCluster, method: string, path: string, options: { body?: string; contentType?: string; accept?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (options.contentType) headers['Content-Type'] = options.contentType;
    if (options.accept) headers['Accept'] = options.accept;
    const req = request(`${cluster.url}${path}`, { method, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), text, json: () => JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Opens a watch and collects its events until `count` arrived or the stream ended. */
function watch(cluster: EmulatedCluster, path: string, count: number, whileOpen?: () => void): Promise<{ type: string; object: Record<string, unknown> }[]> {
  return new Promise((resolve, reject) => {
    const events: { type: string; object: Record<string, unknown> }[] = [];
    const req = request(`${cluster.url}${path}`, { agent: false }, (res) => {
      let buffer = '';
      res.on('data', (d: Buffer) => {
        buffer += d.toString();
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buffer.slice(0, newline)) as { type: string; object: Record<string, unknown> });
          buffer = buffer.slice(newline + 1);
        }
        if (events.length >= count) {
          req.destroy();
          resolve(events);
        }
      });
      res.on('end', () => resolve(events));
      whileOpen?.();
    });
    req.on('error', (e) => (events.length >= count ? undefined : reject(e)));
    req.end();
  });
}

const project = (name: string, spec: Record<string, unknown>) => JSON.stringify({ apiVersion: 'kubermatic.k8c.io/v1', kind: 'Project', metadata: { name }, spec });

describe('the emulator over HTTP', () => {
  let cluster: EmulatedCluster;
  beforeAll(async () => {
    cluster = await startEmulator({ name: 'http', watchHistory: 4, bookmarkIntervalMs: 50 });
    for (const crd of kkpCrds()) cluster.api.create(CRDS, undefined, crd);
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it('serves legacy discovery with main resources before their subresources', async () => {
    const list = (await call(cluster, 'GET', '/apis/kubermatic.k8c.io/v1')).json() as { resources: { name: string; namespaced: boolean; kind: string; verbs: string[] }[] };
    const names = list.resources.map((r) => r.name);
    const firstSub = names.findIndex((n) => n.includes('/'));
    expect(names.slice(firstSub).every((n) => n.endsWith('/status'))).toBe(true);
    expect(names.slice(0, firstSub)).toContain('clusters');
    expect(list.resources.find((r) => r.name === 'seeds')).toMatchObject({ namespaced: true, kind: 'Seed', verbs: expect.arrayContaining(['patch', 'watch']) });
    const groups = (await call(cluster, 'GET', '/apis')).json() as { groups: { name: string }[] };
    expect(groups.groups.map((g) => g.name)).toEqual(['coordination.k8s.io', 'apiextensions.k8s.io', 'kubermatic.k8c.io']);
  });

  it('serves aggregated discovery when the client asks for it', async () => {
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
    const answer = await call(cluster, 'GET', '/apis', { accept });
    expect(answer.contentType).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const body = answer.json() as { kind: string; items: { metadata: { name: string }; versions: { resources: { resource: string; scope: string; subresources?: unknown[] }[] }[] }[] };
    expect(body.kind).toBe('APIGroupDiscoveryList');
    const kkp = body.items.find((i) => i.metadata.name === 'kubermatic.k8c.io');
    expect(kkp?.versions[0]?.resources.find((r) => r.resource === 'clusters')).toMatchObject({ scope: 'Cluster', subresources: [{ subresource: 'status' }] });
    const core = (await call(cluster, 'GET', '/api', { accept })).json() as { items: { metadata: { name: string } }[] };
    expect(core.items.map((i) => i.metadata.name)).toEqual(['']);
    expect((await call(cluster, 'GET', '/api', { accept: 'application/json' })).json()['kind']).toBe('APIVersions');
  });

  it('serves OpenAPI v3 per group version with kinds tagged and fieldValidation declared on PATCH', async () => {
    const index = (await call(cluster, 'GET', '/openapi/v3')).json() as { paths: Record<string, { serverRelativeURL: string }> };
    const url = index.paths['apis/kubermatic.k8c.io/v1']?.serverRelativeURL ?? '';
    expect(url).toMatch(/^\/openapi\/v3\/apis\/kubermatic\.k8c\.io\/v1\?hash=[0-9A-F]+$/);
    const doc = (await call(cluster, 'GET', url)).json() as { paths: Record<string, { patch?: { parameters: { name: string }[]; requestBody: { content: Record<string, unknown> } } }>; components: { schemas: Record<string, Record<string, unknown>> } };
    const patch = doc.paths['/apis/kubermatic.k8c.io/v1/clusters/{name}']?.patch;
    expect(patch?.parameters.map((p) => p.name)).toContain('fieldValidation');
    expect(Object.keys(patch?.requestBody.content ?? {})).not.toContain('application/strategic-merge-patch+json');
    expect(doc.components.schemas['io.k8c.kubermatic.v1.Cluster']?.['x-kubernetes-group-version-kind']).toEqual([{ group: 'kubermatic.k8c.io', kind: 'Cluster', version: 'v1' }]);
    expect((await call(cluster, 'GET', '/openapi/v2')).status).toBe(404);
  });

  it('answers tables with the CRD printer columns, and JSON when protobuf is asked for', async () => {
    await call(cluster, 'POST', '/apis/kubermatic.k8c.io/v1/projects', { body: project('tabled', { name: 'Tabled' }), contentType: 'application/json' });
    const table = (await call(cluster, 'GET', '/apis/kubermatic.k8c.io/v1/projects', { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' })).json() as {
      kind: string;
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[]; object: { kind: string } }[];
    };
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'HumanReadableName', 'Status', 'Age']); // KKP's CRD's columns
    expect(table.rows[0]?.cells.slice(0, 2)).toEqual(['tabled', 'Tabled']);
    expect(table.rows[0]?.object.kind).toBe('PartialObjectMetadata');
    const plain = await call(cluster, 'GET', '/apis/kubermatic.k8c.io/v1/projects/tabled', { accept: 'application/vnd.kubernetes.protobuf, */*' });
    expect(plain.contentType).toBe('application/json');
    expect(plain.json()['kind']).toBe('Project');
  });

  it('accepts YAML bodies and answers unknown paths with a NotFound Status', async () => {
    const created = await call(cluster, 'POST', '/apis/kubermatic.k8c.io/v1/users', {
      body: 'apiVersion: kubermatic.k8c.io/v1\nkind: User\nmetadata:\n  name: yaml-user\nspec:\n  email: a@example.com\n  name: A\n  admin: false\n',
      contentType: 'application/yaml',
    });
    expect(created.status).toBe(201);
    expect((created.json()['spec'] as Record<string, unknown>)['email']).toBe('a@example.com');
    const missing = await call(cluster, 'GET', '/apis/nothing.example.com/v1/things');
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({ kind: 'Status', reason: 'NotFound' });
  });

  it('answers a strict apply with unknown fields with 400 and the apiserver text', async () => {
    const answer = await call(cluster, 'PATCH', '/apis/kubermatic.k8c.io/v1/projects/strict?fieldManager=t&fieldValidation=Strict', {
      body: JSON.stringify({ apiVersion: 'kubermatic.k8c.io/v1', kind: 'Project', metadata: { name: 'strict' }, spec: {}, foo: 1 }),
      contentType: 'application/apply-patch+yaml',
    });
    expect(answer.status).toBe(400);
    expect(answer.json()['message']).toBe('failed to create typed patch object (kubermatic.k8c.io/v1, Kind=Project): .foo: field not declared in schema');
  });

  it('streams watch events from a resourceVersion, with bookmarks when allowed', async () => {
    const start = cluster.api.store.resourceVersion;
    const events = await watch(cluster, `/apis/kubermatic.k8c.io/v1/projects?watch=true&resourceVersion=${start}&allowWatchBookmarks=true`, 3, () => {
      void call(cluster, 'POST', '/apis/kubermatic.k8c.io/v1/projects', { body: project('w1', { name: 'W' }), contentType: 'application/json' }).then(() =>
        call(cluster, 'DELETE', '/apis/kubermatic.k8c.io/v1/projects/w1'),
      );
    });
    const real = events.filter((e) => e.type !== 'BOOKMARK');
    expect(real.map((e) => `${e.type} ${(e.object['metadata'] as { name: string }).name}`)).toEqual(['ADDED w1', 'DELETED w1']);
    const bookmarks = await watch(cluster, `/apis/kubermatic.k8c.io/v1/projects?watch=true&resourceVersion=${cluster.api.store.resourceVersion}&allowWatchBookmarks=true`, 1);
    expect(bookmarks[0]).toMatchObject({ type: 'BOOKMARK', object: { kind: 'Project', apiVersion: 'kubermatic.k8c.io/v1' } });
  });

  it('turns objects leaving or entering a watch selection into DELETED and ADDED events', async () => {
    const labelled = (team: string) => JSON.stringify({ metadata: { labels: { team } } });
    await call(cluster, 'POST', '/apis/kubermatic.k8c.io/v1/projects', { body: project('mover', { name: 'M' }), contentType: 'application/json' });
    const start = cluster.api.store.resourceVersion;
    const events = await watch(cluster, `/apis/kubermatic.k8c.io/v1/projects?watch=true&resourceVersion=${start}&labelSelector=team%3Da`, 3, () => {
      void (async () => {
        for (const team of ['a', 'b', 'a']) {
          await call(cluster, 'PATCH', '/apis/kubermatic.k8c.io/v1/projects/mover', { body: labelled(team), contentType: 'application/merge-patch+json' });
        }
      })();
    });
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'DELETED', 'ADDED']);
  });

  it('answers 410 Expired as an ERROR event when the resourceVersion is too old', async () => {
    const old = cluster.api.store.resourceVersion;
    for (let i = 0; i < 8; i++) await call(cluster, 'POST', '/apis/kubermatic.k8c.io/v1/projects', { body: project(`churn-${i}`, { name: 'C' }), contentType: 'application/json' });
    const events = await watch(cluster, `/apis/kubermatic.k8c.io/v1/projects?watch=true&resourceVersion=${old}`, 1);
    expect(events[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
  });

  it('logs every request with its verb, resource, content type and status', async () => {
    cluster.requests.clear();
    await call(cluster, 'PATCH', '/apis/kubermatic.k8c.io/v1/projects/logged?fieldManager=t', { body: project('logged', { name: 'L' }), contentType: 'application/apply-patch+yaml' });
    expect(cluster.requests.entries).toEqual([
      expect.objectContaining({ method: 'PATCH', verb: 'patch', resource: 'projects.kubermatic.k8c.io', name: 'logged', contentType: 'application/apply-patch+yaml', status: 201, injected: false }),
    ]);
  });
});
