/**
 * The status page as server-rendered HTML: a little inline CSS, no script, no external resource. Every value is
 * escaped (`escapeHtml`); links are only ever http(s) URLs the recorder accepted or paths of this page.
 */
import { escapeHtml as e } from '../core/report/escape-markdown.js';
import type { PullRequestStatus, RepositoryStatus, StatusSnapshot, TargetStatus } from './status-snapshot.js';
import type { ReconcileEntry } from './status-recorder.js';

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
header{background:#24292f;color:#fff;padding:12px 24px}header a{color:#fff;text-decoration:none;font-weight:600}
header span{color:#9da7b3;margin-left:12px;font-size:12px}
main{padding:16px 24px;max-width:1400px}h1{font-size:20px;margin:8px 0 16px}h2{font-size:16px;margin:24px 0 8px}
table{border-collapse:collapse;background:#fff;width:100%;margin-bottom:8px}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f0f3f6;font-weight:600}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}a{color:#0969da}
.ok{color:#1a7f37}.bad{color:#cf222e;font-weight:600}.muted{color:#656d76}.destructive{color:#cf222e}
dl{display:grid;grid-template-columns:max-content auto;gap:4px 16px;background:#fff;border:1px solid #d0d7de;padding:8px 12px;margin:0}
dt{font-weight:600}dd{margin:0}
`;

export interface RenderOptions {
  /** Show at most this many rows of the reconciles table. Default: all (the recorder keeps 50). */
  readonly reconciles?: number;
}

function page(title: string, snapshot: StatusSnapshot, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title><style>${CSS}</style></head>
<body><header><a href="/">kkp-gitops status</a><span>answered by ${e(snapshot.replica)} at ${e(snapshot.generatedAt)}</span></header>
<main>${snapshot.leaseError ? `<p class="bad">The Lease records could not be read: ${e(snapshot.leaseError)}</p>` : ''}${body}</main></body></html>
`;
}

const link = (url: string | undefined, text: string) => (url ? `<a href="${e(url)}">${e(text)}</a>` : e(text));
const short = (sha: string) => sha.slice(0, 7);
const commit = (c: { sha: string; url?: string; title?: string } | undefined) =>
  c ? `<code>${link(c.url, short(c.sha))}</code>${c.title ? ` ${e(c.title)}` : ''}` : '<span class="muted">unknown</span>';
const when = (iso: string | undefined) => (iso ? `<time datetime="${e(iso)}">${e(iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z'))}</time>` : '<span class="muted">–</span>');
const repositoryPath = (fullName: string) => `/repositories/${fullName.split('/').map(encodeURIComponent).join('/')}`;

function lock(r: RepositoryStatus): string {
  if (!r.lock.holder) return '<span class="muted">free</span>';
  return `<span class="lock-holder">${e(r.lock.holder)}</span>${r.lock.since ? ` since ${when(r.lock.since)}` : ''}${r.lock.expired ? ' <span class="bad">(expired)</span>' : ''}`;
}

function planCounts(pr: PullRequestStatus): string {
  if (!pr.plan) return '<span class="muted">not planned yet</span>';
  const { counts } = pr.plan;
  const destructive = pr.plan.destructive.length > 0 ? `<div class="destructive">destructive: ${pr.plan.destructive.map((d) => `<code>${e(d)}</code>`).join(', ')}</div>` : '';
  const unreachable = pr.plan.unreachable > 0 ? ` <span class="bad">${pr.plan.unreachable} unreachable</span>` : '';
  return `${destructive}<span class="plan-counts">${counts.create} to create, ${counts.update} to update, ${counts.delete} to delete</span>${counts.skip ? `, ${counts.skip} skipped` : ''}${unreachable}`;
}

function reconcileRows(entries: readonly ReconcileEntry[], withRepository: boolean): string {
  if (entries.length === 0) return '<p class="muted">None yet (this replica keeps the last 50 it ran).</p>';
  const rows = entries.map((r) => {
    const bad = r.outcome === 'failed' || r.outcome === 'error' || r.outcome === 'unreachable';
    return `<tr>${withRepository ? `<td>${link(repositoryPath(r.repository), r.repository)}</td>` : ''}<td>${e(r.kind)}</td><td>${r.commit ? `<code>${e(short(r.commit))}</code>` : ''}</td><td class="${bad ? 'bad' : 'ok'}">${e(r.outcome)}</td><td>${when(r.startedAt)}</td><td>${(r.durationMs / 1000).toFixed(2)} s</td><td>${e(r.replica)}</td></tr>`;
  });
  return `<table class="reconciles"><tr>${withRepository ? '<th>repository</th>' : ''}<th>what</th><th>commit</th><th>outcome</th><th>started</th><th>duration</th><th>replica</th></tr>${rows.join('')}</table>`;
}

export function renderOverviewHtml(snapshot: StatusSnapshot, options: RenderOptions = {}): string {
  const rows = snapshot.repositories.map((r) => {
    let reachable = 0;
    let drift = 0;
    for (const t of r.targets) {
      if (t.reachable) reachable++;
      drift += t.driftCount;
    }
    const unreachable = r.targets.length - reachable;
    return `<tr><td>${link(repositoryPath(r.fullName), r.fullName)}</td><td>${commit(r.head)}</td><td>${commit(r.applied)}</td><td>${when(r.applied?.at)}</td><td>${r.targets.length} (${unreachable > 0 ? `<span class="bad">${unreachable} unreachable</span>` : 'all reachable'})</td><td>${drift > 0 ? `<span class="bad">${drift}</span>` : '0'}</td><td>${r.pullRequests.length}</td><td>${lock(r)}</td></tr>`;
  });
  const table = rows.length
    ? `<table class="repositories"><tr><th>repository</th><th>default branch head</th><th>applied commit</th><th>applied at</th><th>targets</th><th>drift</th><th>open PRs</th><th>lock</th></tr>${rows.join('')}</table>`
    : '<p class="muted">No repository known yet: none has a record on the master, and no delivery arrived since this replica started.</p>';
  const reconciles = snapshot.reconciles.slice(0, options.reconciles ?? snapshot.reconciles.length);
  return page('kkp-gitops status', snapshot, `<h1>Repositories</h1>${table}<h2>Recent reconciles</h2>${reconcileRows(reconciles, true)}`);
}

function targetRow(t: TargetStatus): string {
  const reachable = t.reachable === undefined ? '<span class="muted">not checked yet</span>' : t.reachable ? '<span class="ok">reachable</span>' : `<span class="bad">unreachable</span>${t.error ? ` <span class="muted">${e(t.error)}</span>` : ''}`;
  const kinds = Object.entries(t.objectsByKind).sort(([a], [b]) => a.localeCompare(b)).map(([kind, n]) => `${e(kind)}: ${n}`).join(', ');
  const drift = t.driftCount === 0 ? '0' : `<span class="bad">${t.driftCount}</span>: ${t.drift.map((d) => `<code>${e(d)}</code>`).join(', ')}${t.driftCount > t.drift.length ? ' …' : ''}`;
  const health = t.applyStatus ? `<span class="${t.applyStatus === 'applied' ? 'ok' : 'bad'}">${e(t.applyStatus)}</span>` : '<span class="muted">–</span>';
  return `<tr data-target="${e(t.target)}"><td>${e(t.target)}</td><td class="applied-commit">${t.appliedCommit ? `<code>${e(short(t.appliedCommit))}</code>` : '<span class="muted">none</span>'}</td><td>${when(t.appliedAt)}</td><td>${t.appliedBy ? e(t.appliedBy) : '<span class="muted">another replica or unknown</span>'}</td><td>${reachable}</td><td>${kinds || '<span class="muted">–</span>'}</td><td>${drift}</td><td>${health}</td><td>${when(t.checkedAt)}</td></tr>`;
}

function pullRequestRow(pr: PullRequestStatus): string {
  return `<tr data-pull-request="${pr.number}"><td>${link(pr.url, `#${pr.number}`)}${pr.headRef ? ` <code>${e(pr.headRef)}</code>` : ''}</td><td><code>${e(short(pr.headSha))}</code></td><td>${planCounts(pr)}</td><td>${pr.commentUrl ? link(pr.commentUrl, 'plan comment') : '<span class="muted">–</span>'}</td></tr>`;
}

export function renderRepositoryHtml(snapshot: StatusSnapshot, repository: RepositoryStatus): string {
  const r = repository;
  const applied = r.applied
    ? `${commit(r.applied)} at ${when(r.applied.at)}${r.applied.mergedPullRequest ? `, merged from ${link(r.applied.mergedPullRequest.url, `#${r.applied.mergedPullRequest.number}`)}` : ''}${r.applied.deploymentsUrl ? ` · ${link(r.applied.deploymentsUrl, 'deployments')}` : ''}${r.applied.checksUrl ? ` · ${link(r.applied.checksUrl, 'check runs')}` : ''}`
    : '<span class="muted">nothing applied yet</span>';
  const summary = `<dl>
<dt>repository</dt><dd>${link(r.url, r.fullName)}</dd>
<dt>default branch</dt><dd>${r.defaultBranch ? `<code>${e(r.defaultBranch)}</code>` : '<span class="muted">unknown</span>'} at ${commit(r.head)}</dd>
<dt>applied commit</dt><dd>${applied}</dd>
${r.applying ? `<dt>applying</dt><dd><code>${e(short(r.applying.commit))}</code>${r.applying.holder ? ` by ${e(r.applying.holder)}` : ''}</dd>` : ''}
${r.lastAttempt ? `<dt>last incomplete apply</dt><dd><code>${e(short(r.lastAttempt.commit))}</code> <span class="bad">${e(r.lastAttempt.outcome)}</span></dd>` : ''}
<dt>lock</dt><dd>${lock(r)}</dd>
</dl>`;
  const targets = r.targets.length
    ? `<table class="targets"><tr><th>target</th><th>applied commit</th><th>applied at</th><th>applied by</th><th>reachable</th><th>objects managed</th><th>drift</th><th>last apply</th><th>checked</th></tr>${r.targets.map(targetRow).join('')}</table>`
    : '<p class="muted">No target seen by this replica yet (the next reconcile or drift pass fills this in).</p>';
  const pulls = r.pullRequests.length
    ? `<table class="pull-requests"><tr><th>pull request</th><th>head</th><th>last plan</th><th>sticky comment</th></tr>${r.pullRequests.map(pullRequestRow).join('')}</table>`
    : '<p class="muted">No open pull request seen.</p>';
  const reconciles = snapshot.reconciles.filter((x) => x.repository === r.fullName);
  return page(`${r.fullName} · kkp-gitops status`, snapshot, `<h1>${e(r.fullName)}</h1>${summary}<h2>Targets</h2>${targets}<h2>Open pull requests</h2>${pulls}<h2>Recent reconciles</h2>${reconcileRows(reconciles, false)}`);
}
