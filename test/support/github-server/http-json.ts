/** Small HTTP helpers of the local GitHub API server: GitHub-shaped error bodies and JSON responses. */
import type { IncomingMessage, ServerResponse } from 'node:http';

const DOCS = 'https://docs.github.com/rest';

/** A response a route returns; the server writes it. */
export interface RouteResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Thrown by routes to answer with a GitHub error (404, 401, 403, 422). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(String(body['message']));
  }
}

export function notFound(): HttpError {
  return new HttpError(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
}

export function unauthorized(message = 'Bad credentials'): HttpError {
  return new HttpError(401, { message, documentation_url: DOCS, status: '401' });
}

export function forbidden(message = 'Resource not accessible by integration'): HttpError {
  return new HttpError(403, { message, documentation_url: DOCS, status: '403' });
}

/** GitHub's 422 with one error entry, e.g. `{ resource: 'IssueComment', field: 'body', code: 'custom', message }`. */
export function validationFailed(resource: string, field: string, code: string, message?: string): HttpError {
  return new HttpError(422, {
    message: 'Validation Failed',
    errors: [{ resource, field, code, ...(message ? { message } : {}) }],
    documentation_url: DOCS,
    status: '422',
  });
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** GitHub's primary rate limit for an installation: 5,000 requests an hour, counted down by every API answer. */
const RATE_LIMIT = 5000;
let rateLimitUsed = 0;

function rateLimitHeaders(): Record<string, string> {
  rateLimitUsed = Math.min(RATE_LIMIT, rateLimitUsed + 1);
  return {
    'x-ratelimit-limit': String(RATE_LIMIT),
    'x-ratelimit-remaining': String(RATE_LIMIT - rateLimitUsed),
    'x-ratelimit-used': String(rateLimitUsed),
    'x-ratelimit-resource': 'core',
    'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
  };
}

export function writeJson(res: ServerResponse, response: RouteResponse): void {
  const headers: Record<string, string> = { 'x-github-media-type': 'github.v3; format=json', ...rateLimitHeaders(), ...response.headers };
  if (response.body === undefined) {
    res.writeHead(response.status, headers).end();
    return;
  }
  res.writeHead(response.status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(response.body));
}
