/** Check runs: create, update, read, annotations. Enforces GitHub's output limits. */
import { notFound, validationFailed } from '../http-json.js';
import { GITHUB_LIMITS } from '../limits.js';
import { presentCheckRun } from '../present.js';
import type { RequestBody, Route, RouteContext } from '../route.js';
import { numberParam, repositoryOf } from '../route.js';
import type { AnnotationRecord, CheckRunRecord } from '../store.js';

type Output = NonNullable<RequestBody<'checks/update'>['output']>;

function checkOutput(output: Output | undefined, requireTitle: boolean): void {
  if (!output) return;
  if ((requireTitle && typeof output.title !== 'string') || typeof output.summary !== 'string') throw validationFailed('CheckRun', 'output', 'missing_field', 'title and summary are required');
  if (output.summary.length > GITHUB_LIMITS.checkRunText) throw validationFailed('CheckRun', 'summary', 'custom', `summary is too long (maximum is ${GITHUB_LIMITS.checkRunText} characters)`);
  if ((output.text?.length ?? 0) > GITHUB_LIMITS.checkRunText) throw validationFailed('CheckRun', 'text', 'custom', `text is too long (maximum is ${GITHUB_LIMITS.checkRunText} characters)`);
  const annotations = output.annotations ?? [];
  if (annotations.length > GITHUB_LIMITS.annotationsPerRequest) throw validationFailed('CheckRun', 'annotations', 'custom', `Only ${GITHUB_LIMITS.annotationsPerRequest} annotations are allowed per request`);
  for (const a of annotations) {
    if (!a.path || !(a.start_line >= 1) || !(a.end_line >= a.start_line) || !a.message || !['notice', 'warning', 'failure'].includes(a.annotation_level)) {
      throw validationFailed('CheckRun', 'annotations', 'invalid', `invalid annotation ${JSON.stringify(a)}`);
    }
    if ((a.start_column !== undefined || a.end_column !== undefined) && a.start_line !== a.end_line) {
      throw validationFailed('CheckRun', 'annotations', 'invalid', 'start_column and end_column may only be used when start_line equals end_line');
    }
  }
}

function applyUpdate(run: CheckRunRecord, body: RequestBody<'checks/update'>, now: Date): void {
  if (body.name !== undefined) run.name = body.name;
  if (body.details_url !== undefined) run.detailsUrl = body.details_url;
  if (body.external_id !== undefined) run.externalId = body.external_id;
  if (body.started_at !== undefined) run.startedAt = body.started_at;
  if (body.status !== undefined) run.status = body.status === 'completed' ? 'completed' : body.status === 'in_progress' ? 'in_progress' : 'queued';
  if (body.conclusion !== undefined) {
    run.conclusion = body.conclusion;
    run.status = 'completed';
  }
  if (run.status === 'completed') run.completedAt = body.completed_at ?? run.completedAt ?? now.toISOString();
  if (run.status === 'completed' && run.conclusion === null) throw validationFailed('CheckRun', 'conclusion', 'missing_field', 'conclusion is required when status is completed');
  if (body.output) {
    run.output = { title: body.output.title ?? run.output.title, summary: body.output.summary, text: body.output.text ?? run.output.text };
    run.annotations.push(...((body.output.annotations ?? []) as AnnotationRecord[]));
  }
}

function findRun(ctx: RouteContext): CheckRunRecord {
  const repo = repositoryOf(ctx);
  const run = ctx.store.checkRuns.find((r) => r.id === numberParam(ctx, 'check_run_id') && r.repositoryId === repo.id);
  if (!run) throw notFound();
  return run;
}

export const checkRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: '/repos/{owner}/{repo}/check-runs',
    auth: 'installation',
    permission: ['checks', 'write'],
    handle: (ctx) => {
      const body = ctx.body as RequestBody<'checks/create'>;
      if (!body || typeof body.name !== 'string' || !/^[0-9a-f]{40}$/.test(body.head_sha ?? '')) throw validationFailed('CheckRun', 'head_sha', 'invalid');
      checkOutput(body.output, true);
      const run: CheckRunRecord = {
        id: ctx.store.nextId(),
        repositoryId: repositoryOf(ctx).id,
        name: body.name,
        headSha: body.head_sha,
        status: 'queued',
        conclusion: null,
        startedAt: ctx.now().toISOString(),
        completedAt: null,
        detailsUrl: body.details_url ?? null,
        externalId: body.external_id ?? null,
        output: { title: null, summary: null, text: null },
        annotations: [],
        appId: ctx.app.appId,
      };
      applyUpdate(run, body as RequestBody<'checks/update'>, ctx.now());
      ctx.store.checkRuns.push(run);
      return { status: 201, body: presentCheckRun(ctx, run) };
    },
  },
  {
    method: 'PATCH',
    path: '/repos/{owner}/{repo}/check-runs/{check_run_id}',
    auth: 'installation',
    permission: ['checks', 'write'],
    handle: (ctx) => {
      const run = findRun(ctx);
      const body = ctx.body as RequestBody<'checks/update'>;
      checkOutput(body.output, false);
      applyUpdate(run, body, ctx.now());
      return { status: 200, body: presentCheckRun(ctx, run) };
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/check-runs/{check_run_id}',
    auth: 'installation',
    permission: ['checks', 'read'],
    handle: (ctx) => ({ status: 200, body: presentCheckRun(ctx, findRun(ctx)) }),
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/commits/{ref}/check-runs',
    auth: 'installation',
    permission: ['checks', 'read'],
    handle: (ctx) => {
      const repo = repositoryOf(ctx);
      const name = ctx.query.get('check_name');
      // Newest first, as GitHub lists them; `filter=latest` (the default) keeps the newest run per name.
      let runs = ctx.store.checkRuns.filter((r) => r.repositoryId === repo.id && r.headSha === ctx.params['ref'] && (name === null || r.name === name)).reverse();
      if ((ctx.query.get('filter') ?? 'latest') === 'latest') runs = runs.filter((r, i) => runs.findIndex((o) => o.name === r.name) === i);
      return { status: 200, body: { total_count: runs.length, check_runs: runs.map((r) => presentCheckRun(ctx, r)) } };
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations',
    auth: 'installation',
    permission: ['checks', 'read'],
    handle: (ctx) => ({ status: 200, body: findRun(ctx).annotations.map((a) => ({ ...a, blob_href: '', start_column: a.start_column ?? null, end_column: a.end_column ?? null, title: a.title ?? null, raw_details: a.raw_details ?? null })) }),
  },
];
