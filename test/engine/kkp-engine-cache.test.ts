import { execFileSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/core/errors.js';
import { createKkpEngine } from '../../src/engine/kkp-engine.js';
import { VALID } from '../schemas/valid-documents.js';

describe('the engine keeps loaded commits by SHA', () => {
  let work = '';
  const shas: string[] = [];
  const git = (...args: string[]) => execFileSync('git', args, { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const commit = (name: string) => {
    writeFileSync(join(work, `${name}.yaml`), (VALID.Project ?? '').replace(/name: .*/, `name: ${name}`));
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--quiet', '-m', name);
    return git('rev-parse', 'HEAD');
  };
  const engine = (cacheSize?: number) =>
    createKkpEngine({
      connect: () => {
        throw new Error('loading never connects');
      },
      ...(cacheSize === undefined ? {} : { cacheSize }),
    });
  const names = (repo: { documents: readonly { name: string }[] }) => repo.documents.map((d) => d.name).sort();

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'kkp-engine-cache-'));
    git('init', '--quiet', '--initial-branch=main');
    for (const name of ['alpha', 'beta', 'gamma', 'delta']) shas.push(commit(name));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('reads a commit once: a second load of the same SHA, by SHA or by a ref naming it, is the same repository', async () => {
    const kkp = engine();
    const first = await kkp.load(work, shas[3] ?? '');
    expect(names(first)).toEqual(['alpha', 'beta', 'delta', 'gamma']);
    expect(await kkp.load(work, shas[3] ?? '')).toBe(first);
    expect(await kkp.load(work, 'refs/heads/main')).toBe(first);
  });

  it('reads a different commit afresh', async () => {
    const kkp = engine();
    const head = await kkp.load(work, 'main');
    const parent = await kkp.load(work, 'main~1');
    expect(parent).not.toBe(head);
    expect(names(parent)).toEqual(['alpha', 'beta', 'gamma']);
    expect(parent.commit).toBe(shas[2]);
  });

  it('shares one read between concurrent loads of the same commit', async () => {
    const kkp = engine();
    const [a, b] = await Promise.all([kkp.load(work, 'main'), kkp.load(work, shas[3] ?? '')]);
    expect(a).toBe(b);
  });

  it('keeps at most cacheSize commits, dropping the least recently used', async () => {
    const kkp = engine(2);
    const [s0, s1, s2] = shas as [string, string, string];
    const first = await kkp.load(work, s0);
    const second = await kkp.load(work, s1);
    expect(await kkp.load(work, s0)).toBe(first); // s0 is now the most recently used
    await kkp.load(work, s2); // drops s1
    expect(await kkp.load(work, s0)).toBe(first);
    const again = await kkp.load(work, s1);
    expect(again).not.toBe(second);
    expect(names(again)).toEqual(names(second));
  });

  it('keeps nothing with cacheSize 0', async () => {
    const kkp = engine(0);
    expect(await kkp.load(work, 'main')).not.toBe(await kkp.load(work, 'main'));
  });

  it('reports an unknown revision each time', async () => {
    const kkp = engine();
    await expect(kkp.load(work, 'no-such-branch')).rejects.toBeInstanceOf(ConfigurationError);
    await expect(kkp.load(work, 'no-such-branch')).rejects.toBeInstanceOf(ConfigurationError);
  });

  it('keeps no failed read: the next load of that commit reads it again', async () => {
    const kkp = engine();
    // The commit resolves, but its tree cannot be read while its (loose) object is away.
    const tree = git('rev-parse', 'main^{tree}');
    const object = join(work, '.git', 'objects', tree.slice(0, 2), tree.slice(2));
    renameSync(object, `${object}.away`);
    try {
      await expect(kkp.load(work, 'main')).rejects.toThrow();
    } finally {
      renameSync(`${object}.away`, object);
    }
    expect(names(await kkp.load(work, 'main'))).toHaveLength(4);
  });
});
