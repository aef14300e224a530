/** A drift report as the check run `kkp-gitops/drift` on the head commit, listing the drifted objects by identity. */
import { escapeMarkdown } from '../../core/report/escape-markdown.js';
import { describeSkipped } from '../../core/report/skipped-changes.js';
import { fitText } from '../check-run-output.js';
import type { CheckRunUpdate } from '../github-repository.js';
import type { DriftedObject, DriftReport } from './drift-report.js';

export const DRIFT_CHECK = 'kkp-gitops/drift';

const HOW: Record<DriftedObject['how'], string> = { edited: 'edited in the cluster', missing: 'missing from the cluster (deleted by hand?)', extra: 'in the cluster but not in Git', differs: 'differs from Git' };

/** The check run for a report, or undefined when there is nothing to write. */
export function driftCheckRun(report: DriftReport): CheckRunUpdate | undefined {
  const sha = report.head?.slice(0, 7) ?? '';
  const code = (value: string) => escapeMarkdown(value, { as: 'code' });
  const list = report.drifted.map((d) => `- ${code(d.object)}: ${HOW[d.how]}${d.fields.length ? ` (${d.fields.slice(0, 10).map(code).join(', ')}${d.fields.length > 10 ? ', …' : ''})` : ''}`);
  const unreachable = report.unreachable.map((t) => `- ${code(t)} could not be read`);
  const n = report.drifted.length;
  const objects = `${n} object${n === 1 ? '' : 's'}`;
  const complete = (conclusion: 'success' | 'failure' | 'neutral', title: string, lead: string, lines: string[] = []): CheckRunUpdate => ({
    status: 'completed',
    conclusion,
    output: { title, summary: fitText([lead, '', ...lines].join('\n').trimEnd()) },
  });
  switch (report.status) {
    case 'clean':
      return unreachable.length
        ? complete('failure', 'Some targets could not be checked', `No drift found on the targets that could be read for \`${sha}\`.`, unreachable)
        : complete('success', 'No drift', `The live master and seeds hold what \`${sha}\` says.`);
    case 'drifted':
      return complete('failure', `${objects} drifted`, `**${objects} drifted** from \`${sha}\`. Self-heal is off (\`policy.selfHeal\`): a person decides (undo the change in the cluster, or put it in Git).`, [...list, ...unreachable]);
    case 'healed': {
      const skipped = report.skipped ?? [];
      if (skipped.length === 0) return complete('success', `Drift corrected: ${objects}`, `**${objects} drifted** from \`${sha}\` and ${n === 1 ? 'was' : 'were'} restored (\`policy.selfHeal\`).`, [...list, ...unreachable]);
      // Not all of it: what the governing policy does not allow stays as it is, said apart from what was restored.
      const line = describeSkipped(skipped.length, skipped.map((key) => ({ key })));
      return complete('failure', `Drift partly corrected: ${line}`, `**${objects} drifted** from \`${sha}\`; self-heal (\`policy.selfHeal\`) restored what the governing policy allows. **${escapeMarkdown(line)}**: they need a pull request whose plan is allowed.`, [...list, '', ...skipped.map((key) => `- ${code(key)}: skipped`), ...unreachable]);
    }
    case 'heal-failed':
      return complete('failure', `Drift not corrected: ${objects}`, `**${objects} drifted** from \`${sha}\`; restoring ${n === 1 ? 'it' : 'them'} failed: ${escapeMarkdown(report.error ?? 'unknown error')}`, list);
    case 'failed':
      return report.head ? complete('failure', 'Could not check for drift', `Could not check \`${sha}\` for drift: ${escapeMarkdown(report.error ?? 'unknown error')}`) : undefined;
    case 'invalid':
    case 'not-applied':
      // Nothing to say about drift: the push reconcile of that commit reports on it.
      return undefined;
  }
}
