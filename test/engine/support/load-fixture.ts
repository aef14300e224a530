import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { folderSource } from '../../../src/core/load/folder-source.js';
import { loadRepository } from '../../../src/core/load/load-repository.js';
import type { LoadedRepository } from '../../../src/core/load/loaded-repository.js';
import type { LiveState } from '../../../src/core/plan/live-state.js';
import type { PlanOptions } from '../../../src/core/plan/plan.js';

export interface PlanFixture {
  readonly name: string;
  readonly dir: string;
  readonly repo: LoadedRepository;
  readonly live: LiveState;
  readonly options: PlanOptions;
}

/** `test/fixtures/plan/<case>/`: `repo/` (input files), `live.json` (a LiveState), optional `options.json` (PlanOptions). */
export async function loadPlanFixture(dir: string, name: string): Promise<PlanFixture> {
  const repo = await loadRepository(folderSource(join(dir, 'repo')));
  const live = JSON.parse(readFileSync(join(dir, 'live.json'), 'utf8')) as LiveState;
  const optionsFile = join(dir, 'options.json');
  const options = existsSync(optionsFile) ? (JSON.parse(readFileSync(optionsFile, 'utf8')) as PlanOptions) : {};
  return { name, dir, repo, live, options };
}
