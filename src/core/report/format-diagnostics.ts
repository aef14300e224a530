import { escapeTerminal } from './escape-markdown.js';
import type { Diagnostic, Severity } from '../diagnostic.js';
import type { IgnoredInput } from '../load/source-document.js';

/** The output formats of `kkp-gitops validate`. */
export const DIAGNOSTIC_FORMATS = ['text', 'json', 'github'] as const;
export type DiagnosticFormat = (typeof DIAGNOSTIC_FORMATS)[number];

export interface DiagnosticSummary {
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
  /** Files with at least one diagnostic. */
  readonly files: number;
  /** No errors (warnings allowed). */
  readonly valid: boolean;
}

export interface FormatOptions {
  /** Inputs the loader skipped, and why: listed in text, included in JSON, left out of GitHub annotations. Default: none. */
  readonly ignored?: readonly IgnoredInput[];
  /** What was validated (a folder or `dir@sha`), for the JSON output. Default: left out. */
  readonly source?: string;
}

export function summarizeDiagnostics(diagnostics: readonly Diagnostic[]): DiagnosticSummary {
  const count = (severity: Severity) => diagnostics.filter((d) => d.severity === severity).length;
  const errors = count('error');
  return { errors, warnings: count('warning'), infos: count('info'), files: new Set(diagnostics.map((d) => d.file)).size, valid: errors === 0 };
}

/** `valid: no problems found`, `invalid: 2 errors, 1 warning in 3 files`. */
export function formatSummary(summary: DiagnosticSummary): string {
  const parts = [plural(summary.errors, 'error'), plural(summary.warnings, 'warning')];
  if (summary.infos > 0) parts.push(plural(summary.infos, 'note'));
  if (summary.errors + summary.warnings + summary.infos === 0) return 'valid: no problems found';
  return `${summary.valid ? 'valid' : 'invalid'}: ${parts.join(', ')} in ${plural(summary.files, 'file')}`;
}

/** One diagnostic per line, `file:line:col severity rule message`, its hint indented below; then the summary. */
export function formatDiagnosticsText(diagnostics: readonly Diagnostic[], options: FormatOptions = {}): string {
  const lines: string[] = [];
  const ignored = options.ignored ?? [];
  if (ignored.length > 0) {
    lines.push(`Ignored ${plural(ignored.length, 'input')}:`);
    for (const input of ignored) lines.push(`  ${input.file}${input.index === undefined ? '' : ` (document ${input.index + 1})`}: ${input.reason}`);
    lines.push('');
  }
  for (const d of diagnostics) {
    lines.push(`${location(d)} ${d.severity} ${d.rule} ${d.message}`);
    if (d.hint) lines.push(`    hint: ${d.hint}`);
  }
  if (diagnostics.length > 0) lines.push('');
  lines.push(formatSummary(summarizeDiagnostics(diagnostics)));
  return escapeTerminal(`${lines.join('\n')}\n`);
}

/** `{source?, valid, summary, diagnostics, ignored}`: every field of every diagnostic, for machines. */
export function formatDiagnosticsJson(diagnostics: readonly Diagnostic[], options: FormatOptions = {}): string {
  const summary = summarizeDiagnostics(diagnostics);
  const output = {
    ...(options.source === undefined ? {} : { source: options.source }),
    valid: summary.valid,
    summary: { errors: summary.errors, warnings: summary.warnings, infos: summary.infos, files: summary.files },
    diagnostics,
    ignored: options.ignored ?? [],
  };
  return `${JSON.stringify(output, null, 2)}\n`;
}

const GITHUB_COMMAND: Readonly<Record<Severity, string>> = { error: 'error', warning: 'warning', info: 'notice' };

/**
 * GitHub Actions workflow commands (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=<rule>::message`),
 * one per diagnostic, the hint on a second line of the message. Annotations appear on the pull request's diff.
 */
export function formatDiagnosticsGithub(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map((d) => {
      const properties: [string, string | number][] = d.file
        ? [
            ['file', d.file],
            ['line', d.line],
            ['col', d.column],
            ['endLine', d.endLine],
            ['endColumn', d.endColumn],
            ['title', d.rule],
          ]
        : [['title', d.rule]];
      const props = properties.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',');
      const message = d.hint ? `${d.message}\n${d.hint}` : d.message;
      return `::${GITHUB_COMMAND[d.severity]} ${props}::${escapeData(message)}\n`;
    })
    .join('');
}

export function formatDiagnostics(diagnostics: readonly Diagnostic[], format: DiagnosticFormat, options: FormatOptions = {}): string {
  switch (format) {
    case 'text':
      return formatDiagnosticsText(diagnostics, options);
    case 'json':
      return formatDiagnosticsJson(diagnostics, options);
    case 'github':
      return formatDiagnosticsGithub(diagnostics);
  }
}

/** Workflow command data: `%`, CR and LF are escaped (as in @actions/core). */
export function escapeData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

/** Workflow command properties: as data, plus `:` and `,`, which separate properties. */
export function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

function location(d: Diagnostic): string {
  return d.file ? `${d.file}:${d.line}:${d.column}` : '(repository)';
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
