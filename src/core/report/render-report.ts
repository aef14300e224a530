import { renderJson } from './render-json.js';
import { renderMarkdown, type MarkdownOptions } from './render-markdown.js';
import { renderText, type TextOptions } from './render-text.js';
import { toReportView, type ReportSubject } from './report-view.js';

export type ReportFormat = 'text' | 'markdown' | 'json';
export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'markdown', 'json'];

export interface ReportOptions extends MarkdownOptions, TextOptions {
  /** Default: `text`. */
  readonly format?: ReportFormat;
}

/** One renderer for plans and apply results: Markdown (PR comments), plain text (terminal) or JSON. Secret values never appear. */
export function renderReport(subject: ReportSubject, options: ReportOptions = {}): string {
  const format = options.format ?? 'text';
  if (format === 'json') return renderJson(subject);
  const view = toReportView(subject);
  return format === 'markdown' ? renderMarkdown(view, options) : renderText(view, options);
}
