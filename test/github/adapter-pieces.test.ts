import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostic.js';
import { batches, fitText, toAnnotation } from '../../src/github/check-run-output.js';
import { mayChange, parseCommand } from '../../src/github/kkp-command.js';
import { markdownBlocks, splitMarkdown } from '../../src/github/split-markdown.js';
import { markerOf, partOf } from '../../src/github/sticky-comment.js';
import { createWorkQueue } from '../../src/github/work-queue.js';

const diagnostic: Diagnostic = { file: 'clusters/a.yaml', line: 12, column: 5, endLine: 12, endColumn: 20, pointer: '/spec/cloud/dc', rule: 'cluster/datacenter-exists', severity: 'error', message: 'no datacenter do-nowhere-1', hint: 'did you mean do-ams1?' };

function details(n: number, lines: number): string {
  return [`<details><summary>object ${n}</summary>`, '', '```diff', ...Array.from({ length: lines }, (_, i) => `+ field${i}: value`), '```', '', '</details>'].join('\n');
}

describe('splitting a long comment', () => {
  it('keeps text that fits in one part unchanged', () => {
    expect(splitMarkdown('# title\n\nbody\n', { limit: 100 })).toEqual({ parts: ['# title\n\nbody\n'], truncated: false });
  });

  it('treats a <details> element with blank lines and a code fence inside as one block', () => {
    const blocks = markdownBlocks(`intro\n\n${details(1, 3)}\n\n\`\`\`\na\n\nb\n\`\`\`\n\nend`);
    expect(blocks).toHaveLength(4);
    expect(blocks[1]).toBe(details(1, 3));
    expect(blocks[2]).toBe('```\na\n\nb\n```');
  });

  it('splits on block boundaries so that every part stays under the limit with balanced fences and details', () => {
    const body = ['## plan', ...Array.from({ length: 40 }, (_, i) => details(i, 20))].join('\n\n');
    const { parts, truncated } = splitMarkdown(body, { limit: 2_000 });
    expect(truncated).toBe(false);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(2_000);
      expect((part.match(/```/g) ?? []).length % 2).toBe(0);
      expect((part.match(/<details>/g) ?? []).length).toBe((part.match(/<\/details>/g) ?? []).length);
    }
    expect(parts.join('').replace(/\s+/g, '')).toBe(body.replace(/\s+/g, ''));
  });

  it('stops at the most parts allowed and says it left some out', () => {
    const body = Array.from({ length: 40 }, (_, i) => details(i, 20)).join('\n\n');
    const { parts, truncated } = splitMarkdown(body, { limit: 2_000, maxParts: 2 });
    expect(parts).toHaveLength(2);
    expect(truncated).toBe(true);
  });

  it('replaces a single block longer than the limit by a note instead of cutting into it', () => {
    const { parts, truncated } = splitMarkdown(`small\n\n${details(1, 500)}\n\nafter`, { limit: 1_000, oversizedBlock: '(left out)' });
    expect(truncated).toBe(true);
    expect(parts.join('\n')).toContain('(left out)');
    expect(parts.join('\n')).not.toContain('<details>');
    expect(parts.join('\n')).toContain('after');
  });
});

describe('check run output', () => {
  it('turns a diagnostic into a failure annotation on its file, line and columns', () => {
    expect(toAnnotation(diagnostic)).toEqual({ path: 'clusters/a.yaml', start_line: 12, end_line: 12, start_column: 5, end_column: 20, annotation_level: 'failure', message: 'no datacenter do-nowhere-1\ndid you mean do-ams1?', title: 'cluster/datacenter-exists', raw_details: '/spec/cloud/dc' });
  });

  it('leaves columns out of an annotation spanning several lines, as GitHub requires', () => {
    const annotation = toAnnotation({ ...diagnostic, severity: 'warning', endLine: 14 });
    expect(annotation).not.toHaveProperty('start_column');
    expect(annotation).toMatchObject({ start_line: 12, end_line: 14, annotation_level: 'warning' });
  });

  it('sends 120 annotations in batches of 50, 50 and 20', () => {
    expect(batches(Array.from({ length: 120 }, (_, i) => i)).map((b) => b.length)).toEqual([50, 50, 20]);
    expect(batches([])).toEqual([]);
  });

  it('cuts a text over the limit at a line boundary and says so', () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');
    const cut = fitText(text, 200, '\n(cut)');
    expect(cut.length).toBeLessThanOrEqual(200);
    expect(cut.endsWith('\n(cut)')).toBe(true);
    expect(cut.split('\n').slice(0, -1).every((l) => /^line \d+$/.test(l))).toBe(true);
    expect(fitText('short', 200)).toBe('short');
  });
});

describe('/kkp commands', () => {
  it('reads the command on the first non-empty line only', () => {
    expect(parseCommand('\n  /kkp plan\nthanks')).toMatchObject({ kind: 'command', command: { name: 'plan', changesState: false } });
    expect(parseCommand('/kkp allow-deletions')).toMatchObject({ kind: 'command', command: { name: 'allow-deletions', changesState: true } });
    expect(parseCommand('looks good\n/kkp plan')).toBeUndefined();
    expect(parseCommand('/kkpx plan')).toBeUndefined();
    expect(parseCommand(null)).toBeUndefined();
  });

  it('reports an unknown word after /kkp, or none at all', () => {
    expect(parseCommand('/kkp apply')).toEqual({ kind: 'unknown', word: 'apply' });
    expect(parseCommand('/kkp')).toEqual({ kind: 'unknown', word: '' });
  });

  it('lets write, maintain and admin change things and nobody else', () => {
    expect(['admin', 'maintain', 'write'].every(mayChange)).toBe(true);
    expect(['triage', 'read', 'none', undefined].some(mayChange)).toBe(false);
  });
});

describe('sticky comment markers', () => {
  it('finds the part number of each marker and nothing in other comments', () => {
    expect(partOf(`${markerOf('plan')}\nbody`, 'plan')).toBe(1);
    expect(partOf(`${markerOf('plan', 3)}\nbody`, 'plan')).toBe(3);
    expect(partOf(`${markerOf('apply-abc')}\nbody`, 'plan')).toBeUndefined();
    expect(partOf('/kkp plan', 'plan')).toBeUndefined();
  });
});

describe('the work queue', () => {
  it('runs jobs of one key in order, reports failures, and is idle when all are done', async () => {
    const order: string[] = [];
    const failures: string[] = [];
    const queue = createWorkQueue((error, key) => failures.push(`${key}: ${(error as Error).message}`));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    queue.enqueue('a', async () => {
      await gate;
      order.push('a1');
    });
    queue.enqueue('a', async () => {
      order.push('a2');
      throw new Error('boom');
    });
    queue.enqueue('b', async () => void order.push('b1'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['b1']);
    expect(queue.size).toBe(2);
    release();
    await queue.idle();
    expect(order).toEqual(['b1', 'a1', 'a2']);
    expect(failures).toEqual(['a: boom']);
    expect(queue.size).toBe(0);
  });
});
