import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyOperands, parseDockerfile, type DockerStage } from './parse-dockerfile.js';

const ROOT = join(import.meta.dirname, '..', '..');
const dockerfile = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const dockerignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

const runtime = dockerfile.stages.at(-1)!;
const stageNamed = (name: string): DockerStage | undefined => dockerfile.stages.find((stage) => stage.name === name);
const runs = (stage: DockerStage): string[] => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
const copies = (stage: DockerStage) => stage.instructions.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD').map(copyOperands);

/** Whether the build context keeps `path` after .dockerignore (last matching pattern wins, `!` re-includes). */
function keptInContext(path: string): boolean {
  let kept = true;
  for (const rawPattern of dockerignore) {
    const negated = rawPattern.startsWith('!');
    const pattern = (negated ? rawPattern.slice(1) : rawPattern).replace(/^\/+|\/+$/g, '');
    const regex = new RegExp(
      `^${pattern
        .split('**')
        .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'))
        .join('.*')
        .replace(/\.\*\//g, '(?:.*/)?')}$`,
    );
    const segments = path.replace(/\/+$/, '').split('/');
    const matches = segments.some((_, index) => regex.test(segments.slice(0, index + 1).join('/')));
    if (matches) kept = negated;
  }
  return kept;
}

describe('Dockerfile', () => {
  it('builds in stages on node:20-bookworm-slim', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of dockerfile.stages) expect(stage.image).toBe('node:20-bookworm-slim');
    expect(runtime.name).toBe('runtime');
  });

  it('compiles with the full dependency set in the build stage', () => {
    const build = stageNamed('build');
    expect(build).toBeDefined();
    expect(runs(build!).some((run) => /\bnpm ci\b/.test(run) && !run.includes('--omit=dev'))).toBe(true);
    expect(runs(build!).some((run) => /\bnpm run build\b/.test(run))).toBe(true);
  });

  it('ships node_modules only from a stage that installed production dependencies', () => {
    const fromStages = copies(runtime).filter((copy) => copy.sources.some((source) => source.includes('node_modules')));
    expect(fromStages).toHaveLength(1);
    const origin = stageNamed(fromStages[0]!.flags.get('from') ?? '');
    expect(origin).toBeDefined();
    expect(runs(origin!).some((run) => /\bnpm ci\b.*--omit=dev/.test(run))).toBe(true);
    expect(runs(runtime).some((run) => /\bnpm (ci|install)\b/.test(run) && !run.includes('--omit=dev'))).toBe(false);
  });

  it('installs git in the runtime image for simple-git', () => {
    expect(runs(runtime).some((run) => /apt-get install\b.*\bgit\b/.test(run))).toBe(true);
  });

  it('runs as the non-root user 65532', () => {
    const users = runtime.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args.trim());
    expect(users.length).toBeGreaterThan(0);
    const last = users.at(-1)!;
    expect(last.split(':')[0]).toBe('65532');
    expect(users.every((user) => !/^(0|root)(:|$)/.test(user))).toBe(true);
  });

  it('starts the server through the CLI entry on port 3000', () => {
    const last = (keyword: string) => runtime.instructions.filter((i) => i.keyword === keyword).at(-1)?.args;
    expect(JSON.parse(last('ENTRYPOINT')!)).toEqual(['node', 'bin/kkp-gitops.js']);
    expect(JSON.parse(last('CMD')!)).toEqual(['serve']);
    expect(last('EXPOSE')).toBe('3000');
  });

  it('copies into the runtime image only bin, dist, schemas, app.yml and the package files', () => {
    const allowed = new Set(['bin', 'dist', 'schemas', 'app.yml', 'package.json', 'package-lock.json', 'node_modules']);
    for (const copy of copies(runtime)) {
      for (const source of copy.sources) {
        const top = source.replace(/^\/app\//, '').replace(/^\.\//, '').split('/')[0]!;
        expect(allowed, `runtime copies ${source}`).toContain(top);
      }
    }
  });

  it('never copies the whole build context or anything that looks like a secret', () => {
    for (const stage of dockerfile.stages) {
      for (const copy of copies(stage)) {
        for (const source of copy.sources) {
          expect(source, `stage ${stage.name} copies ${source}`).not.toMatch(/^\.\/?$|^\*$/);
          expect(source).not.toMatch(/\.pem$|\.key$|(^|\/)\.env|secret|credential|\.npmrc$/i);
        }
      }
      expect(stage.instructions.some((i) => i.keyword === 'ADD')).toBe(false);
      for (const env of stage.instructions.filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG')) {
        expect(env.args).not.toMatch(/PRIVATE_KEY|WEBHOOK_SECRET|TOKEN/);
      }
    }
  });

  it('keeps everything a COPY reads from the context in .dockerignore, and leaves keys out', () => {
    const fromContext = dockerfile.stages.flatMap((stage) => copies(stage).filter((copy) => !copy.flags.has('from')));
    const sources = fromContext.flatMap((copy) => copy.sources);
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(keptInContext(source), `${source} is excluded by .dockerignore`).toBe(true);
      expect(existsSync(join(ROOT, source)), `${source} is missing from the repository`).toBe(true);
    }
    for (const secretLike of ['private-key.pem', '.env', 'src/app.pem', 'node_modules/x', '.git/config', 'test/a.ts']) {
      expect(keptInContext(secretLike), secretLike).toBe(false);
    }
  });
});
