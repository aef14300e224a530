/**
 * Hostile strings (file names, object names, messages quoting YAML, hints, cluster errors) rendered through the real
 * renderers (the plan comment, the check run summary, the report Markdown) and read back with a CommonMark + GFM
 * parser (markdown-it, with HTML and linkify on, as GitHub renders): none of them speaks through the bot.
 */
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/core/diagnostic.js';
import type { Plan } from '../../../src/core/plan/plan.js';
import { escapeMarkdown, fencedBlock } from '../../../src/core/report/escape-markdown.js';
import { formatDiagnosticsText } from '../../../src/core/report/format-diagnostics.js';
import { renderMarkdown } from '../../../src/core/report/render-markdown.js';
import { renderText } from '../../../src/core/report/render-text.js';
import { toReportView } from '../../../src/core/report/report-view.js';
import { checkSummary, planCommentBody } from '../../../src/github/plan-comment.js';

const HOSTILE: readonly string[] = [
  '`x/a` @kkp-admins **No destructive changes, safe to merge** `',
  'x/a` @kkp-admins **No destructive changes, safe to merge** `y',
  '</details>## Plan: no changes @kkp-admins',
  '</code></summary></details>\n\n## Plan: no changes\n\n@kkp-admins',
  '![pixel](https://tracker.example/p.gif) [click](https://evil.example/)',
  'see https://evil.example/login and www.evil.example',
  'fixes #1 and acme/other#2 and GH-3, cc @octocat and @acme/owners',
  '<img src=x onerror=alert(1)> <script>alert(1)</script> &lt;b&gt;',
  '``` \n@kkp-admins\n```',
  '````',
  '| cell | split | here |',
  '~~struck~~ _em_ *em* __strong__',
  '[link]: https://evil.example/ref\n\n[link]',
  'line one\n\n> [!CAUTION]\n> fake alert @kkp-admins',
  '<!-- kkp-gitops:plan -->',
  '\\`escaped\\` @kkp-admins',
  '`` `nested` `` @kkp-admins ``',
  'a\u2028@kkp-admins\u2029b\r\n#4',
];

const md = new MarkdownIt({ html: true, linkify: true });

/** The text GitHub would scan for mentions and references: the HTML without code, pre and tags. */
function scannedText(html: string): string {
  return html
    .replace(/<pre[\s\S]*?<\/pre>/g, '')
    .replace(/<code>[\s\S]*?<\/code>/g, '')
    .replace(/<[^>]*>/g, '');
}

function planWith(hostile: string): Plan {
  const id = { target: `seed-${hostile}`, apiVersion: 'kubermatic.k8c.io/v1', kind: `Cluster${hostile}`, namespace: hostile, name: hostile };
  return {
    type: 'plan',
    repository: `acme/${hostile}`,
    commit: '0123456789abcdef',
    allowDeletions: false,
    targets: [
      {
        target: `seed-${hostile}`,
        status: 'ready',
        stages: [
          {
            phase: 'apply',
            order: 1,
            kinds: ['Cluster'],
            changes: [
              { id, action: 'update', source: `${hostile}.yaml#0`, diff: [{ path: `spec.${hostile}`, before: hostile, after: `${hostile}!` }], destructive: false, drift: false, errors: [`KKP refuses: ${hostile}`] },
              { id: { ...id, name: `${hostile}-2` }, action: 'skip', diff: [], destructive: true, drift: false, reason: `skipped: ${hostile}`, errors: [] },
            ],
          },
        ],
      },
      { target: `down-${hostile}`, status: 'unreachable', error: `dial ${hostile}`, stages: [] },
    ],
    unrendered: [{ source: `${hostile}.yaml#1`, reason: `unknown kind ${hostile}` }],
  };
}

function diagnosticWith(hostile: string): Diagnostic {
  return { file: `${hostile}.yaml`, line: 1, column: 1, endLine: 1, endColumn: 2, pointer: '', rule: 'load/duplicate-key', severity: 'error', message: `duplicate key \`${hostile}\` and ${hostile}`, hint: `did you mean ${hostile}?` };
}

describe('escapeMarkdown', () => {
  it('makes a code span that holds any backtick run and stays on one line', () => {
    for (const hostile of HOSTILE) {
      const html = md.renderInline(escapeMarkdown(hostile, { as: 'code' }));
      expect(html.startsWith('<code>') && html.endsWith('</code>'), `${JSON.stringify(hostile)} → ${html}`).toBe(true);
      expect(html.slice(6, -7)).not.toContain('<code>');
    }
  });

  it('keeps the code spans of a message and the rest as plain words', () => {
    expect(md.renderInline(escapeMarkdown('unknown kind `Clustr`; did you mean `Cluster`?'))).toBe('unknown kind <code>Clustr</code>; did you mean <code>Cluster</code>?');
    expect(md.renderInline(escapeMarkdown('**bold** [a](b) <i>'))).toBe('**bold** [a](b) &lt;i&gt;');
  });

  it('fences a block longer than any backtick run inside it', () => {
    const html = md.render(fencedBlock(['+ a: "```"', '+ b: "````\\n@kkp-admins"'], 'diff').join('\n'));
    expect(html.match(/<pre>/g)).toHaveLength(1);
    expect(scannedText(html).trim()).toBe('');
  });
});

describe('every renderer, given hostile input', () => {
  for (const hostile of HOSTILE) {
    it(`lets nothing of ${JSON.stringify(hostile)} speak through the bot`, () => {
      const outcome = { headSha: '0123456789abcdef0123456789abcdef01234567', diagnostics: [diagnosticWith(hostile)], plan: planWith(hostile), failure: `master said ${hostile}`, fromFork: false, deletions: 'not-allowed' as const };
      const documents = {
        comment: planCommentBody(outcome),
        summary: checkSummary(outcome),
        report: renderMarkdown(toReportView(planWith(hostile))),
      };
      for (const [name, markdown] of Object.entries(documents)) {
        const html = md.render(markdown);
        const where = `${name} for ${JSON.stringify(hostile)}:\n${markdown}\n---\n${html}`;
        const text = scannedText(html);
        expect(text, where).not.toMatch(/@[A-Za-z0-9]/);
        expect(text, where).not.toMatch(/#[0-9]/);
        expect(html, where).not.toMatch(/<(img|script|a|del)\b/);
        expect(html, where).not.toMatch(/<strong>(No destructive|strong)|<em>em<|<h[1-6]>Plan: no changes|<p>\[!CAUTION\]\s*fake/);
        // Our own <details> blocks only: as many closed as opened, one per changed object.
        expect((html.match(/<details>/g) ?? []).length, where).toBe((html.match(/<\/details>/g) ?? []).length);
        expect(html, where).not.toContain('<!-- kkp-gitops:plan -->');
      }
    });
  }
});

describe('the text renderers, given terminal escape sequences', () => {
  it('print no control character from input (no recolouring, retitling or rewriting of the terminal)', () => {
    const hostile = 'x\u001b[2J\u001b]0;pwned\u0007\u009b31m\rreal';
    const outputs = [renderText(toReportView(planWith(hostile))), formatDiagnosticsText([diagnosticWith(hostile)])];
    for (const output of outputs) {
      // eslint-disable-next-line no-control-regex
      expect(output).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      expect(output).toContain('x\ufffd[2J');
    }
  });
});
