/**
 * Hostile files in a pull request, planned by a real `kkp-gitops serve` process (768 MB heap, as deployed): a
 * 20 MiB flow-style file, a 60 MiB file, 10,000 nesting levels, 100,000 documents, a flow list within the size
 * limit but beyond what `yaml` can hold cheaply, and a 6 MiB file the pull request's own (raised) limits would let
 * through. The check run completes with one diagnostic per file naming the limit, and the process lives.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, type ReliabilityHarness } from '../reliability/reliability-harness.js';
import type { BotProcess } from '../support/bot-process.js';
import { MiB, startDeployedBot } from '../support/deployed-bot.js';
import { pullRequestDelivery } from '../support/github-server/webhook-payloads.js';

let h: ReliabilityHarness;
let bot: BotProcess;

beforeAll(async () => {
  ({ harness: h, bot } = await startDeployedBot());
}, 180_000);

afterAll(async () => {
  await h?.stop();
});


/** `{a: [1, 1, 1, …]}` of about `bytes`. */
function flowFile(bytes: number): string {
  return `{a: [${'1, '.repeat(Math.floor(bytes / 3))}1]}\n`;
}

describe('repository limits in a pull request planned by the bot', () => {
  it('fails the check run with a diagnostic on each hostile file, and the bot lives', async () => {
    const files: Record<string, string> = {
      'hostile/flow-20mib.yaml': flowFile(20 * MiB),
      'hostile/block-60mib.yaml': `items:\n${'  - name: some-value-here\n'.repeat(Math.floor((60 * MiB) / 26))}`,
      'hostile/nested-10000.yaml': `${'- '.repeat(10_000)}x\n`,
      'hostile/nested-10000-flow.yaml': `${'['.repeat(10_000)}${']'.repeat(10_000)}\n`,
      'hostile/documents-100000.yaml': 'a: 1\n---\n'.repeat(100_000),
      'hostile/flow-1mib.yaml': flowFile(MiB),
      // Within the limits the pull request asks for below, beyond its base's.
      'hostile/block-6mib.yaml': `items:\n${'  - name: some-value-here\n'.repeat(Math.floor((6 * MiB) / 26))}`,
    };
    const pr = h.openPullRequest('hostile-files', () => {
      // The pull request raises its own limits to the schema's caps: the base's still apply.
      const config = join(h.work, 'kkp-gitops.yaml');
      writeFileSync(config, `${readFileSync(config, 'utf8').trimEnd()}\n  limits:\n    maxFileBytes: 16777216\n    maxDepth: 256\n    maxDocumentsPerFile: 100000\n`);
      for (const [path, text] of Object.entries(files)) {
        const absolute = join(h.work, path);
        mkdirSync(join(h.work, 'hostile'), { recursive: true });
        writeFileSync(absolute, text);
      }
    });
    await h.deliver(bot, pullRequestDelivery(h.gh, pr, 'opened'));
    const run = () => h.gh.store.checkRuns.find((r) => r.headSha === pr.head.sha);
    await waitFor(() => run()?.status === 'completed', 120_000, () => `no completed check run:\n${bot.output(4_000)}`);
    expect(run()!.conclusion).toBe('failure');
    const rules = new Map(run()!.annotations.map((a) => [a.path, a.title]));
    expect(Object.fromEntries([...rules].filter(([path]) => path.startsWith('hostile/')))).toEqual({
      'hostile/flow-20mib.yaml': 'load/file-too-large',
      'hostile/block-60mib.yaml': 'load/file-too-large',
      'hostile/nested-10000.yaml': 'load/too-deep',
      'hostile/nested-10000-flow.yaml': 'load/too-deep',
      'hostile/documents-100000.yaml': 'load/too-many-documents',
      'hostile/flow-1mib.yaml': 'load/too-many-flow-items',
      'hostile/block-6mib.yaml': 'load/file-too-large',
    });
    expect(bot.running).toBe(true);
    expect((await fetch(`http://127.0.0.1:${bot.port}/healthz`)).status).toBe(200);
    expect(bot.output()).not.toContain('heap out of memory');
  }, 240_000);
});
