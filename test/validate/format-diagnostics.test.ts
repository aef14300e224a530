import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostic.js';
import {
  escapeData,
  escapeProperty,
  formatDiagnosticsGithub,
  formatDiagnosticsJson,
  formatDiagnosticsText,
  summarizeDiagnostics,
} from '../../src/core/report/format-diagnostics.js';

const error: Diagnostic = {
  file: 'clusters/prod, eu:1.yaml',
  line: 12,
  column: 9,
  endLine: 12,
  endColumn: 22,
  pointer: '/spec/cloud/dc',
  rule: 'cluster/datacenter-exists',
  severity: 'error',
  message: 'datacenter "aws-eu" does not exist: 100% sure',
  hint: 'Did you mean "aws-eu-1"?',
};
const warning: Diagnostic = { ...error, file: 'seeds/seed.yaml', line: 3, rule: 'x/y', severity: 'warning', message: 'two\r\nlines' };
const { hint: _hint, ...withoutHint } = warning;

describe('text format', () => {
  it('prints file:line:col severity rule message, the hint below, and a summary', () => {
    expect(formatDiagnosticsText([error, withoutHint])).toBe(
      [
        'clusters/prod, eu:1.yaml:12:9 error cluster/datacenter-exists datacenter "aws-eu" does not exist: 100% sure',
        '    hint: Did you mean "aws-eu-1"?',
        // A line break in a message stays one; a lone CR (which would overwrite the line) would not.
        'seeds/seed.yaml:3:9 warning x/y two\nlines',
        '',
        'invalid: 1 error, 1 warning in 2 files',
        '',
      ].join('\n'),
    );
  });

  it('lists the ignored inputs first and says valid when there is nothing to report', () => {
    const text = formatDiagnosticsText([], { ignored: [{ file: 'README.md', reason: 'not a YAML file' }, { file: 'a.yaml', index: 1, reason: 'ConfigMap is not a kind kkp-gitops manages' }] });
    expect(text).toBe('Ignored 2 inputs:\n  README.md: not a YAML file\n  a.yaml (document 2): ConfigMap is not a kind kkp-gitops manages\n\nvalid: no problems found\n');
  });

  it('counts warnings without making the repository invalid', () => {
    expect(summarizeDiagnostics([warning])).toEqual({ errors: 0, warnings: 1, infos: 0, files: 1, valid: true });
  });
});

describe('JSON format', () => {
  it('keeps every field of every diagnostic and adds a summary', () => {
    const parsed = JSON.parse(formatDiagnosticsJson([error], { source: 'repo', ignored: [{ file: 'x.txt', reason: 'not YAML' }] }));
    expect(parsed).toEqual({
      source: 'repo',
      valid: false,
      summary: { errors: 1, warnings: 0, infos: 0, files: 1 },
      diagnostics: [error],
      ignored: [{ file: 'x.txt', reason: 'not YAML' }],
    });
  });
});

describe('GitHub workflow commands', () => {
  it('escapes %, CR and LF in messages, and also : and , in properties', () => {
    expect(escapeData('a%b\r\nc')).toBe('a%25b%0D%0Ac');
    expect(escapeProperty('a:b,c%')).toBe('a%3Ab%2Cc%25');
  });

  it('writes one annotation per diagnostic with position, rule as title and the hint on a second line', () => {
    expect(formatDiagnosticsGithub([error, withoutHint])).toBe(
      '::error file=clusters/prod%2C eu%3A1.yaml,line=12,col=9,endLine=12,endColumn=22,title=cluster/datacenter-exists::datacenter "aws-eu" does not exist: 100%25 sure%0ADid you mean "aws-eu-1"?\n' +
        '::warning file=seeds/seed.yaml,line=3,col=9,endLine=12,endColumn=22,title=x/y::two%0D%0Alines\n',
    );
  });

  it('uses notice for informational diagnostics and leaves out the position of repository-wide ones', () => {
    expect(formatDiagnosticsGithub([{ ...withoutHint, file: '', severity: 'info', message: 'm' }])).toBe('::notice title=x/y::m\n');
  });
});
