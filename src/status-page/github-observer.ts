/**
 * Takes the status page's notes from GitHub state the bot already receives: webhook deliveries (pull requests,
 * pushes) and the answers to its own API calls (pull requests, branch heads, the sticky plan comment, the pull
 * request a commit was merged from). An Octokit plugin (`observeOctokit`) sees the answers; nothing is requested
 * for the page. Answers are hostile input like any other: only numbers, SHAs, names, http(s) links and a commit's
 * first line are kept, and a shape that does not fit is ignored.
 */
import { markerOf } from '../github/sticky-comment.js';
import { PLAN_COMMENT } from '../github/app-deps.js';
import type { StatusRecorder } from './status-recorder.js';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined);
const SHA = /^[0-9a-f]{40}$/;

/** `owner/name` of a payload's or answer's `repository` / `base.repo`. */
function fullNameOf(repository: unknown): string | undefined {
  return isObject(repository) ? str(repository['full_name']) : undefined;
}

function observePull(recorder: StatusRecorder, fullName: string, pr: unknown): void {
  if (!isObject(pr)) return;
  const number = num(pr['number']);
  const head = isObject(pr['head']) ? pr['head'] : {};
  const headSha = str(head['sha']);
  const state = str(pr['state']);
  if (number === undefined || headSha === undefined || !SHA.test(headSha) || state === undefined) return;
  const headRef = str(head['ref']);
  const url = str(pr['html_url']);
  recorder.recordPullRequest(fullName, { number, state, headSha, ...(headRef !== undefined ? { headRef } : {}), ...(url !== undefined ? { url } : {}) });
}

function observeRepository(recorder: StatusRecorder, repository: unknown): string | undefined {
  const fullName = fullNameOf(repository);
  if (!fullName || !isObject(repository)) return undefined;
  const url = str(repository['html_url']);
  const defaultBranch = str(repository['default_branch']);
  recorder.recordRepository(fullName, { ...(url !== undefined ? { url } : {}), ...(defaultBranch !== undefined ? { defaultBranch } : {}) });
  return fullName;
}

/** Notes from one webhook delivery (`app.webhooks.onAny`). */
export function observeDelivery(recorder: StatusRecorder, name: string, payload: unknown): void {
  if (!isObject(payload)) return;
  const fullName = observeRepository(recorder, payload['repository']);
  if (!fullName) return;
  if (name === 'pull_request') observePull(recorder, fullName, payload['pull_request']);
  if (name === 'push') {
    const ref = str(payload['ref']);
    const after = str(payload['after']);
    const headCommit = isObject(payload['head_commit']) ? payload['head_commit'] : {};
    if (ref?.startsWith('refs/heads/') && after && SHA.test(after) && payload['deleted'] !== true) {
      recorder.recordHead(fullName, ref.slice('refs/heads/'.length), after, str(headCommit['message']));
    }
  }
}

interface RequestOptions {
  readonly method?: string;
  readonly url?: string;
  readonly [key: string]: unknown;
}

/** Notes from one answer to the bot's own GitHub call. */
export function observeResponse(recorder: StatusRecorder, options: RequestOptions, data: unknown): void {
  const owner = str(options['owner']);
  const repo = str(options['repo']);
  if (!owner || !repo) return;
  const fullName = `${owner}/${repo}`;
  const route = `${options.method ?? 'GET'} ${options.url ?? ''}`;
  switch (route) {
    case 'GET /repos/{owner}/{repo}':
      observeRepository(recorder, data);
      return;
    case 'GET /repos/{owner}/{repo}/pulls/{pull_number}':
      observePull(recorder, fullName, data);
      return;
    case 'GET /repos/{owner}/{repo}/pulls':
      if (Array.isArray(data)) for (const pr of data) observePull(recorder, fullName, pr);
      return;
    case 'GET /repos/{owner}/{repo}/branches/{branch}': {
      const branch = str(options['branch']);
      const commit = isObject(data) && isObject(data['commit']) ? data['commit'] : {};
      const sha = str(commit['sha']);
      const message = isObject(commit['commit']) ? str(commit['commit']['message']) : undefined;
      if (branch && sha && SHA.test(sha)) recorder.recordHead(fullName, branch, sha, message);
      return;
    }
    case 'GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls': {
      const sha = str(options['commit_sha']);
      const merged = Array.isArray(data) ? data.find((pr) => isObject(pr) && str(pr['merged_at'])) : undefined;
      const number = isObject(merged) ? num(merged['number']) : undefined;
      if (sha && SHA.test(sha) && number !== undefined) {
        const url = str((merged as Json)['html_url']);
        recorder.recordMergedFrom(fullName, sha, { number, ...(url !== undefined ? { url } : {}) });
      }
      return;
    }
    case 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments':
    case 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}': {
      if (!isObject(data)) return;
      const body = str(data['body']) ?? '';
      const url = str(data['html_url']);
      const number = Number(/\/issues\/(\d+)$/.exec(str(data['issue_url']) ?? '')?.[1] ?? options['issue_number']);
      if (body.includes(markerOf(PLAN_COMMENT)) && url && Number.isSafeInteger(number)) recorder.recordPlanComment(fullName, number, url);
      return;
    }
    default:
  }
}

interface HookedOctokit {
  hook: { after(name: 'request', hook: (response: { data: unknown }, options: RequestOptions) => void): void };
}

/** An Octokit plugin (`KkpOctokit.plugin(observeOctokit(recorder))`): every answer goes to `observeResponse`. */
export function observeOctokit(recorder: StatusRecorder): (octokit: HookedOctokit) => void {
  return (octokit) => {
    octokit.hook.after('request', (response, options) => {
      try {
        observeResponse(recorder, options, response.data);
      } catch {
        // The page's notes never break a GitHub call.
      }
    });
  };
}
