/** Persistence of a sandbox across restarts: every virtual cluster's objects and resourceVersion counter. */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigurationError } from '../core/errors.js';
import type { KubeObject } from '../emulator/kube-object.js';

export interface ClusterSnapshot {
  readonly resourceVersion: number;
  readonly collections: Record<string, KubeObject[]>;
}

export interface SandboxState {
  readonly version: 1;
  readonly clusters: Record<string, ClusterSnapshot>;
}

export function readSandboxState(file: string): SandboxState | undefined {
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigurationError(`sandbox state file ${file} is not valid JSON`, { cause: error });
  }
  const state = parsed as Partial<SandboxState>;
  if (state.version !== 1 || typeof state.clusters !== 'object' || state.clusters === null) {
    throw new ConfigurationError(`sandbox state file ${file} is not a kkp-gitops sandbox state (version 1)`);
  }
  return state as SandboxState;
}

/** Writes atomically (temporary file, then rename). */
export function writeSandboxState(file: string, state: SandboxState): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.tmp-${process.pid}`;
  writeFileSync(temporary, JSON.stringify(state));
  renameSync(temporary, file);
}
