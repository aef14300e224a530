import type { ReportSubject } from './report-view.js';

/** A plan or apply result as JSON for machines: the data itself, without the manifests to apply. */
export function renderJson(subject: ReportSubject): string {
  const targets = subject.targets.map((t) => ({
    ...t,
    stages: t.stages.map((s) => ({ ...s, changes: s.changes.map((c) => ('manifest' in c ? (({ manifest: _m, ...rest }) => rest)(c) : c)) })),
  }));
  return `${JSON.stringify({ ...subject, targets }, null, 2)}\n`;
}
