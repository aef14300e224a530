/**
 * Validation benchmark: a generated repository of 100 seeds, 2,000 datacenters and 10,000 clusters, loaded and
 * fully validated (schemas with located diagnostics, and every cross-object rule), against a peer measured in
 * the same run: plain `yaml.parseAllDocuments` plus one precompiled ajv validator per kind over the same files,
 * the floor any validator pays (no positions, no messages, no cross-object rules).
 *
 * Each side runs in a child process of its own, so each peak memory figure is its own.
 * Start-up: ours imports the precompiled validators (`src/generated/validators/`) and validates a first document;
 * the peer compiles the schemas with ajv, as we did before precompiling.
 * Targets (issue 2): the whole repository in under 2 s on a 2-core machine, under 400 MB peak memory.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import formatsPlugin, { type FormatsPlugin } from 'ajv-formats';
import { parseAllDocuments } from 'yaml';
import { CUSTOM_FORMATS } from '../src/core/validate/schema/formats.js';
import { generateRepository } from './generate-repository.js';
import { peakMemoryMiB, printFigure, printRatio, timed } from './report.js';

interface PhaseResult {
  readonly ms: number;
  readonly documents: number;
  readonly diagnostics: number;
  readonly peakMiB: number;
  /** Ours: importing the precompiled validators and validating a first document; the peer: compiling the schemas. */
  readonly startupMs: number;
  /** CPU time (user + system) of the measured part, start-up included. */
  readonly cpuMs: number;
  /** Ours only: the load and validation parts of `ms`. */
  readonly loadMs?: number;
  readonly validateMs?: number;
}

const self = fileURLToPath(import.meta.url);
const [phase, dir] = process.argv.slice(2);

if (phase === 'ours' || phase === 'peer') {
  const result = phase === 'ours' ? await runOurs(dir ?? '') : await runPeer(dir ?? '');
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  await main();
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'kkp-gitops-bench-'));
  try {
    const repo = join(scratch, 'repo');
    const generated = await timed(() => generateRepository(repo));
    printFigure('generated repository', `${generated.value.documents.toLocaleString('en-US')} documents, ${(generated.value.bytes / 2 ** 20).toFixed(1)} MiB in ${generated.ms.toFixed(0)} ms`);

    const peer = runPhase('peer', repo);
    const ours = runPhase('ours', repo);
    if (ours.diagnostics > 0) throw new Error(`the generated repository should be valid, but validation reported ${ours.diagnostics} diagnostics`);

    printRatio('start-up: precompiled vs compiled schemas (ms)', ours.startupMs, peer.startupMs, 'ms', { lowerIsBetter: true });
    printRatio('load + validate, whole repository (ms)', ours.ms, peer.ms, 'ms', { lowerIsBetter: true, target: '< 2,000 ms' });
    printFigure('  of which load / validate', `${(ours.loadMs ?? 0).toFixed(0)} ms / ${(ours.validateMs ?? 0).toFixed(0)} ms`);
    printRatio('start-up + load + validate (ms)', ours.startupMs + ours.ms, peer.startupMs + peer.ms, 'ms', { lowerIsBetter: true, target: '< 2,000 ms' });
    printRatio('  CPU time, user + system (ms)', ours.cpuMs, peer.cpuMs, 'ms', { lowerIsBetter: true });
    printRatio('documents per second', (ours.documents / ours.ms) * 1000, (peer.documents / peer.ms) * 1000, 'docs/s', {
      target: `${Math.round(ours.documents / 2).toLocaleString('en-US')} docs/s (the repository in 2 s); kubeconform ~4,000/s on 4 cores`,
    });
    printRatio('peak memory (MiB)', ours.peakMiB, peer.peakMiB, 'MiB', { lowerIsBetter: true, target: '< 400 MB' });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function runPhase(name: 'ours' | 'peer', repo: string): PhaseResult {
  const child = spawnSync(process.execPath, ['--import', 'tsx', self, name, repo], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (child.status !== 0) throw new Error(`${name} phase failed:\n${child.stderr}`);
  const last = child.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as PhaseResult;
}

async function runOurs(repo: string): Promise<PhaseResult> {
  const cpu = process.cpuUsage();
  // Imported here, not at the top, so that loading the generated validators is part of the measurement.
  const startup = await timed(async () => {
    const { schemaValidators } = await import('../src/core/validate/schema/schema-validators.js');
    schemaValidators().forKind('Cluster')?.({});
  });
  // The loader reads kkp-gitops.yaml with the precompiled Config validator: imported after the start-up too.
  const { folderSource } = await import('../src/core/load/folder-source.js');
  const { loadRepository } = await import('../src/core/load/load-repository.js');
  const { validateRepository } = await import('../src/core/validate/validate-repository.js');
  const load = await timed(() => loadRepository(folderSource(repo)));
  const validate = await timed(() => validateRepository(load.value));
  const head = load.value;
  const configDocuments = 1; // kkp-gitops.yaml, read into head.config rather than head.documents
  return {
    ms: load.ms + validate.ms,
    loadMs: load.ms,
    validateMs: validate.ms,
    documents: head.documents.length + head.others.length + configDocuments,
    diagnostics: validate.value.length,
    peakMiB: peakMemoryMiB(),
    startupMs: startup.ms,
    cpuMs: cpuMs(cpu),
  };
}

/** The floor: read, parse, one precompiled validator per kind, count failures. */
async function runPeer(repo: string): Promise<PhaseResult> {
  const cpu = process.cpuUsage();
  // Our schema files (schemas/ and the release's schemas/kkp/<release>/), read here: the ours phase must not preload them.
  const { schemaDocuments } = await import('../src/core/validate/schema/schema-validators.js');
  const compile = await timed(() => {
    const SCHEMA_DOCUMENTS = schemaDocuments();
    const ajv = new Ajv({ strict: true, strictRequired: false, allowUnionTypes: true });
    const addFormats = ((formatsPlugin as unknown as { default?: FormatsPlugin }).default ?? formatsPlugin) as unknown as FormatsPlugin;
    addFormats(ajv, ['email', 'uri', 'ipv4']);
    for (const [name, format] of Object.entries(CUSTOM_FORMATS)) ajv.addFormat(name, { type: 'string', validate: format.validate });
    for (const schema of SCHEMA_DOCUMENTS) ajv.addSchema(schema as Record<string, unknown>);
    const byKind = new Map<string, ValidateFunction>();
    for (const schema of SCHEMA_DOCUMENTS) {
      const kind = (schema.properties as { kind?: { const?: string } } | undefined)?.kind?.const;
      const validate = ajv.getSchema(String(schema.$id));
      if (kind && validate) byKind.set(kind, validate);
    }
    return byKind;
  });
  const run = await timed(() => {
    let documents = 0;
    let invalid = 0;
    for (const file of yamlFiles(repo)) {
      for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
        const value = doc.toJS() as { kind?: string } | null;
        documents++;
        const validate = value?.kind ? compile.value.get(value.kind) : undefined;
        if (validate && !validate(value)) invalid++;
      }
    }
    return { documents, invalid };
  });
  return { ms: run.ms, documents: run.value.documents, diagnostics: run.value.invalid, peakMiB: peakMemoryMiB(), startupMs: compile.ms, cpuMs: cpuMs(cpu) };
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.yaml'))
    .map((e) => join(e.parentPath, e.name))
    .sort((a, b) => (relative(dir, a) < relative(dir, b) ? -1 : 1));
}
