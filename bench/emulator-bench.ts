/**
 * Emulator benchmark: the sustained request rate of one virtual cluster for server-side applies, gets and lists
 * of 10,000 small custom resources, next to a plain `node:http` server answering the same requests with a
 * constant body of the same size (the ceiling of this transport). Target (issue 3): at least 1/3 of the ceiling.
 *
 * Layout: each server (the emulator, then the plain server) runs alone in a child process pinned to CPU 0
 * (`taskset`, when present); the load generator is this process, pinned to CPU 1. Keep-alive agent, 16
 * requests in flight.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { printFigure, printRatio } from './report.js';

const OBJECTS = 10_000;
const CONCURRENCY = 16;
const LISTS = 40;
const GROUP = 'bench.kkp.dev';
const COLLECTION = `/apis/${GROUP}/v1/widgets`;
const self = fileURLToPath(import.meta.url);

const widget = (i: number, revision: number) => ({
  apiVersion: `${GROUP}/v1`,
  kind: 'Widget',
  metadata: { name: `widget-${String(i).padStart(5, '0')}`, labels: { shard: String(i % 10) } },
  spec: { size: i % 7, colour: revision % 2 ? 'blue' : 'green', owner: 'bench', tags: ['a', 'b'] },
});

const CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `widgets.${GROUP}` },
  spec: {
    group: GROUP,
    scope: 'Cluster',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } },
      },
    ],
  },
};

// ---- servers (child processes) ----------------------------------------------------------------------------

async function serveEmulator(): Promise<void> {
  const { startEmulator } = await import('../src/emulator/start-emulator.js');
  const { CRDS } = await import('../src/emulator/resource-type.js');
  const cluster = await startEmulator({ name: 'bench', requestLogCapacity: 1000 });
  cluster.api.create(CRDS, undefined, CRD, { fieldManager: 'bench' });
  process.stdout.write(`${cluster.port}\n`);
}

/** The ceiling: reads the request, answers a constant body as large as the emulator's answer would be. */
function servePlain(objectBytes: number, listBytes: number): void {
  const small = 'x'.repeat(objectBytes);
  const large = 'x'.repeat(listBytes);
  const server = createServer({ keepAlive: true }, (req, res) => {
    req.resume();
    req.on('end', () => {
      const body = req.method === 'GET' && req.url?.split('?')[0] === COLLECTION ? large : small;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(body);
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
  });
}

// ---- load generator ---------------------------------------------------------------------------------------

interface Call {
  readonly method: string;
  readonly path: string;
  readonly body?: string;
  readonly contentType?: string;
}

function send(agent: Agent, port: number, call: Call): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (call.contentType) headers['Content-Type'] = call.contentType;
    const req = request({ host: '127.0.0.1', port, method: call.method, path: call.path, agent, headers }, (res) => {
      let bytes = 0;
      res.on('data', (d: Buffer) => (bytes += d.length));
      res.on('end', () => (res.statusCode && res.statusCode < 300 ? resolve(bytes) : reject(new Error(`${call.method} ${call.path}: HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(call.body);
  });
}

/** Runs the calls with bounded concurrency; returns requests per second and the last response size. */
async function drive(port: number, calls: readonly Call[]): Promise<{ rate: number; bytes: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let next = 0;
  let bytes = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < calls.length) bytes = await send(agent, port, calls[next++] as Call);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  return { rate: calls.length / seconds, bytes };
}

const applyCalls = (revision: number): Call[] =>
  Array.from({ length: OBJECTS }, (_, i) => ({
    method: 'PATCH',
    path: `${COLLECTION}/${widget(i, revision).metadata.name}?fieldManager=bench`,
    body: JSON.stringify(widget(i, revision)),
    contentType: 'application/apply-patch+yaml',
  }));
const getCalls = (): Call[] => Array.from({ length: OBJECTS }, (_, i) => ({ method: 'GET', path: `${COLLECTION}/${widget(i, 0).metadata.name}` }));
const listCalls = (): Call[] => Array.from({ length: LISTS }, () => ({ method: 'GET', path: COLLECTION }));

function startChild(args: string[]): Promise<{ child: ChildProcess; port: number }> {
  const pin = existsSync('/usr/bin/taskset') ? ['/usr/bin/taskset', '-c', '0'] : [];
  const command = [...pin, process.execPath, '--import', 'tsx', self, ...args];
  const child = spawn(command[0] as string, command.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', (d: Buffer) => resolve({ child, port: Number(d.toString().trim()) }));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  child.removeAllListeners('exit');
  const exited = new Promise((r) => child.once('exit', r));
  child.kill();
  await exited;
}

async function main(): Promise<void> {
  if (existsSync('/usr/bin/taskset')) spawn('/usr/bin/taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });

  const emulator = await startChild(['serve-emulator']);
  const create = await drive(emulator.port, applyCalls(0));
  const change = await drive(emulator.port, applyCalls(1));
  const gets = await drive(emulator.port, getCalls());
  const lists = await drive(emulator.port, listCalls());
  await stopChild(emulator.child);

  const plain = await startChild(['serve-plain', String(gets.bytes), String(lists.bytes)]);
  const plainApply = await drive(plain.port, applyCalls(0));
  const plainGet = await drive(plain.port, getCalls());
  const plainList = await drive(plain.port, listCalls());
  await stopChild(plain.child);

  printFigure('objects', `${OBJECTS.toLocaleString('en-US')} custom resources, ${gets.bytes} B each, list ${(lists.bytes / 1e6).toFixed(1)} MB`);
  const target = { target: '>= 0.33x' };
  printRatio('server-side apply (create) vs plain server', create.rate, plainApply.rate, 'req/s', target);
  printRatio('server-side apply (change) vs plain server', change.rate, plainApply.rate, 'req/s', target);
  printRatio('get vs plain server', gets.rate, plainGet.rate, 'req/s', target);
  printRatio(`list of ${OBJECTS.toLocaleString('en-US')} vs plain server`, lists.rate, plainList.rate, 'req/s', target);
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'serve-emulator') await serveEmulator();
else if (mode === 'serve-plain') servePlain(Number(rest[0]), Number(rest[1]));
else await main();
