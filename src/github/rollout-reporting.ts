/**
 * How a rollout (waves, the health wait) is told on GitHub: the deployment of each target (`success` only when KKP
 * reports what it changed healthy; `failure` naming the objects and KKP's component, phase and errorReason; `inactive`
 * for the seeds a halted rollout did not touch, `queued` for those waiting for a change window, each with the reason),
 * the commit status, and a section of the apply comment showing where the rollout stopped. Only fixed text from KKP's
 * vocabulary and our own object names reach GitHub (see `objectHealth`); never KKP's free-text errorMessage.
 */
import type { RolloutReport, RolloutStop } from '../core/apply/apply-result.js';
import type { TargetHealth } from '../core/apply/wait-for-health.js';
import { escapeMarkdown } from '../core/report/escape-markdown.js';
import { describeStatus } from './apply-reporting.js';

export type RolloutDeploymentState = 'success' | 'failure' | 'queued' | 'inactive';

/** The state and description of a target's deployment after a rollout, or undefined when the rollout says nothing about it. */
export function rolloutDeploymentStatus(target: string, report: RolloutReport, applied: { ok: boolean; description: string }): { state: RolloutDeploymentState; description: string } | undefined {
  const stopped = report.stopped;
  if (stopped?.untouched.includes(target)) {
    return stopped.why === 'window'
      ? { state: 'queued', description: describeStatus(`Wave ${stopped.wave} waits for its change window${stopped.opensAt ? ` until ${stopped.opensAt}` : ''}`) }
      : { state: 'inactive', description: describeStatus(`Not applied: the rollout stopped at wave ${stopped.wave} (${stopped.reason}); /kkp resume retries it`) };
  }
  const health = report.health.find((h) => h.target === target);
  if (!health) return undefined;
  if (!applied.ok) return { state: 'failure', description: applied.description };
  if (health.state === 'healthy') return { state: 'success', description: describeStatus(`${applied.description}; healthy`) };
  return { state: 'failure', description: describeStatus(unhealthyText(health)) };
}

/** `Not healthy after 600 s: Cluster/shop-eu apiserver HealthStatusDown; 1 more`. */
export function unhealthyText(health: TargetHealth): string {
  const first = health.waiting[0];
  const when = health.timedOut ? `after ${Math.round(health.waitedMs / 1000)} s` : 'KKP refused it';
  if (!first) return `Not healthy ${when}`;
  const more = health.waiting.length > 1 ? `; ${health.waiting.length - 1} more` : '';
  return `Not healthy ${when}: ${first.id.kind}/${first.id.name} ${first.health.reasons.slice(0, 3).join(', ')}${more}`;
}

/** The commit status when the rollout did not end healthy: undefined when it did (the apply's own status stands). */
export function rolloutCommitStatus(report: RolloutReport): { state: 'pending' | 'failure'; description: string } | undefined {
  const s = report.stopped;
  if (s?.why === 'window') return { state: 'pending', description: describeStatus(`Wave ${s.wave} waits for its change window${s.opensAt ? ` until ${s.opensAt}` : ''}`) };
  if (s) return { state: 'failure', description: describeStatus(`Rollout stopped at wave ${s.wave}: ${s.reason}`) };
  const bad = report.health.filter((h) => h.state !== 'healthy');
  if (bad.length > 0) return { state: 'failure', description: describeStatus(`Not healthy: ${bad.map((h) => h.target).join(', ')}`) };
  return undefined;
}

/** The rollout section of the apply comment: every wave and its verdict, and where it stopped. */
export function rolloutMarkdown(report: RolloutReport): string {
  if (report.waves.length === 0) return '';
  const code = (t: string) => escapeMarkdown(t, { as: 'code' });
  const rows = report.waves.map((w) => {
    const verdicts = w.targets.map((t) => {
      const h = report.health.find((x) => x.target === t);
      if (w.status === 'not-run') return `${code(t)}: not run`;
      if (!h) return `${code(t)}: applied`;
      if (h.state === 'healthy') return `${code(t)}: healthy (${h.healthy}/${h.total})`;
      return `${code(t)}: **not healthy**: ${escapeMarkdown(unhealthyText(h))}`;
    });
    return `| ${w.number} | ${verdicts.join('<br>')} |`;
  });
  return ['', '', '### Rollout', '', '| Wave | Targets |', '|---|---|', ...rows, ...stopNote(report.stopped)].join('\n');
}

function stopNote(stopped: RolloutStop | undefined): string[] {
  if (!stopped) return [];
  const untouched = stopped.untouched.map((t) => escapeMarkdown(t, { as: 'code' })).join(', ');
  if (stopped.why === 'window') return ['', `**Wave ${stopped.wave} waits for its change window**${stopped.opensAt ? ` until ${escapeMarkdown(stopped.opensAt)}` : ''}: ${untouched} keep the previous commit until then; the rollout resumes on its own.`];
  return [
    '',
    `**The rollout stopped at wave ${stopped.wave}**: ${escapeMarkdown(stopped.reason)}. ${untouched || 'No seed'} ${stopped.untouched.length === 1 ? 'keeps' : 'keep'} the previous commit. Fix the cause and comment \`/kkp resume\` here to retry wave ${stopped.wave}, or merge a fix (a new commit starts again from wave 1).`,
  ];
}
