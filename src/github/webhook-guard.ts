/**
 * The webhook endpoint in front of Probot: a delivery is read with a byte cap (GitHub caps payloads at 25 MB;
 * `Content-Length` over the cap is refused before a byte is read, a body that streams past it is refused while
 * reading), its `X-Hub-Signature-256` is checked over the raw bytes as they arrive (an HMAC, no copy), and only
 * then is it decoded, parsed and handed to Probot's `webhooks.receive`, exactly as Probot's own middleware would
 * after its verification. A refused delivery is logged as one line (delivery id, event, reason, size), never its
 * body. Answers follow @octokit/webhooks' middleware: 200 `ok`, 202 `still processing` after `timeoutMs`, 4xx
 * JSON errors, 500 when a handler fails.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApplicationFunction } from 'probot';
import { describeError } from '../core/errors.js';

/**
 * The webhook path to give Probot (`WEBHOOK_PATH`, or the Server's `webhookPath`): a request's path always starts
 * with '/', so Probot's own middleware, which buffers whole bodies before verifying them, never answers.
 */
export const PROBOT_WEBHOOK_PATH_UNUSED = 'kkp-gitops:webhook-guard';

/** GitHub's documented cap on webhook payloads: "Payloads are capped at 25 MB". */
export const WEBHOOK_MAX_BYTES = 25 * 1024 * 1024;

export interface WebhookEvent {
  readonly id: string;
  readonly name: string;
  readonly payload: unknown;
}

export interface WebhookGuardLog {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface WebhookGuardOptions {
  /** The URL path of the webhook endpoint. Default: `/api/github/webhooks`. */
  readonly path?: string;
  /** The app's webhook secret. */
  readonly secret: string;
  /** Where verified deliveries go (Probot's `app.webhooks.receive`). */
  readonly receive: (event: WebhookEvent) => Promise<void>;
  readonly log: WebhookGuardLog;
  /** Default: {@link WEBHOOK_MAX_BYTES}. */
  readonly maxBytes?: number;
  /** After this long a delivery still being handled is answered 202. Default: 9,000 ms (as @octokit/webhooks). */
  readonly timeoutMs?: number;
  /** Told of every refused delivery (the `X-GitHub-Event` header as sent, or null). Default: nothing. */
  readonly onRefused?: (event: string | null) => void;
}

/** A Probot server handler: answers (and returns true) for requests to the webhook path. */
export type WebhookGuard = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;

/** How long the rest of a refused oversized body is read (and discarded) before the connection is closed. */
const DISCARD_MS = 1_000;
const JSON_CONTENT_TYPE = /^\s*application\/json\s*(?:;|$)/u;
const REQUIRED_HEADERS = ['x-github-event', 'x-hub-signature-256', 'x-github-delivery'] as const;

export function createWebhookGuard(options: WebhookGuardOptions): WebhookGuard {
  const path = trimSlashes(options.path ?? '/api/github/webhooks');
  const maxBytes = options.maxBytes ?? WEBHOOK_MAX_BYTES;
  const timeoutMs = options.timeoutMs ?? 9_000;

  return async (request, response) => {
    let pathname: string;
    try {
      pathname = trimSlashes(new URL(request.url ?? '/', 'http://localhost').pathname);
    } catch {
      return false;
    }
    if (pathname !== path) return false;

    const header = (name: string): string | undefined => {
      const value = request.headers[name];
      return typeof value === 'string' ? value.slice(0, 200) : undefined;
    };
    const id = header('x-github-delivery') ?? null;
    const event = header('x-github-event') ?? null;
    const declared = request.headers['content-length'] === undefined ? undefined : Number(request.headers['content-length']);
    const refuse = (status: number, reason: string, bytes: number | undefined, closeConnection = false): true => {
      options.log.warn({ delivery: id, event, reason, bytes: bytes ?? null }, 'webhook delivery refused');
      options.onRefused?.(event);
      const body = JSON.stringify({ error: reason });
      const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
      // The rest of an oversized body is not kept: it is discarded for a moment (so that a client still sending
      // reads the answer rather than a reset), then the connection is closed.
      response.writeHead(status, headers).end(body);
      request.resume();
      if (closeConnection) setTimeout(() => request.destroy(), DISCARD_MS).unref();
      return true;
    };

    if (request.method !== 'POST') return refuse(404, `Unknown route: ${request.method ?? ''} ${pathname}`, declared);
    const contentType = header('content-type');
    if (contentType === undefined || !JSON_CONTENT_TYPE.test(contentType)) return refuse(415, 'Unsupported "Content-Type" header value. Must be "application/json"', declared);
    const missing = REQUIRED_HEADERS.filter((name) => header(name) === undefined);
    if (missing.length > 0) return refuse(400, `Required headers missing: ${missing.join(', ')}`, declared);
    if (declared !== undefined && declared > maxBytes) return refuse(413, `payload larger than ${maxBytes} bytes`, declared, true);

    const body = await readCapped(request, maxBytes, options.secret);
    if (body.kind === 'too-large') return refuse(413, `payload larger than ${maxBytes} bytes`, body.bytes, true);
    if (body.kind === 'aborted') {
      options.log.warn({ delivery: id, event, reason: 'the request ended before its body', bytes: body.bytes }, 'webhook delivery refused');
      return true;
    }
    if (!signatureMatches(header('x-hub-signature-256')!, body.hmac)) return refuse(400, 'signature does not match event payload and secret', body.bytes);
    let payload: unknown;
    try {
      payload = JSON.parse(body.data.toString('utf8'));
    } catch {
      return refuse(400, 'Invalid JSON', body.bytes);
    }

    let timer: NodeJS.Timeout | undefined;
    let answered = false;
    const answer = (status: number, text: string, contentTypeOut: string) => {
      if (answered) return;
      answered = true;
      response.writeHead(status, { 'content-type': contentTypeOut, 'content-length': String(Buffer.byteLength(text)) }).end(text);
    };
    const stillProcessing = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        answer(202, 'still processing\n', 'text/plain');
        resolve();
      }, timeoutMs);
    });
    const processing = options.receive({ id: id!, name: event!, payload }).then(
      () => answer(200, 'ok\n', 'text/plain'),
      (error: unknown) => {
        const first = error instanceof AggregateError && error.errors.length > 0 ? (error.errors[0] as unknown) : error;
        const status = typeof (first as { status?: unknown }).status === 'number' ? (first as { status: number }).status : 500;
        options.log.error({ delivery: id, event, err: describeError(first) }, 'webhook handler failed');
        answer(status, JSON.stringify({ error: describeError(first) }), 'application/json');
      },
    );
    await Promise.race([stillProcessing, processing]);
    clearTimeout(timer);
    return true;
  };
}

type CappedBody =
  | { readonly kind: 'ok'; readonly data: Buffer; readonly hmac: Buffer; readonly bytes: number }
  | { readonly kind: 'too-large'; readonly bytes: number }
  | { readonly kind: 'aborted'; readonly bytes: number };

/** Reads the body up to `maxBytes`, keeping its HMAC-SHA256 up to date with every chunk. */
function readCapped(request: IncomingMessage, maxBytes: number, secret: string): Promise<CappedBody> {
  return new Promise((resolve) => {
    const hmac = createHmac('sha256', secret);
    const chunks: Buffer[] = [];
    let bytes = 0;
    let done = false;
    const finish = (result: CappedBody) => {
      if (done) return;
      done = true;
      request.off('data', onData);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        chunks.length = 0;
        request.pause();
        finish({ kind: 'too-large', bytes });
        return;
      }
      hmac.update(chunk);
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('end', () => finish({ kind: 'ok', data: Buffer.concat(chunks, bytes), hmac: hmac.digest(), bytes }));
    request.once('error', () => finish({ kind: 'aborted', bytes }));
    request.once('close', () => finish({ kind: 'aborted', bytes }));
  });
}

function signatureMatches(header: string, hmac: Buffer): boolean {
  const match = /^sha256=([0-9a-f]{64})$/iu.exec(header);
  if (!match) return false;
  return timingSafeEqual(Buffer.from(match[1]!, 'hex'), hmac);
}

function trimSlashes(path: string): string {
  const trimmed = path.replace(/\/+$/u, '');
  return trimmed === '' ? '/' : trimmed;
}

export interface GuardedAppOptions {
  /** The URL path of the webhook endpoint. Default: `/api/github/webhooks`. */
  readonly path?: string;
  /** The app's webhook secret. */
  readonly secret: string;
  readonly maxBytes?: number;
  readonly onRefused?: (event: string | null) => void;
}

/**
 * `appFn` with the guard mounted on the webhook path (Probot must run with {@link PROBOT_WEBHOOK_PATH_UNUSED}):
 * verified deliveries go to `app.webhooks.receive`, as Probot's middleware would send them.
 */
export function withWebhookGuard(appFn: ApplicationFunction, options: GuardedAppOptions): ApplicationFunction {
  return (app, appOptions) => {
    appOptions.addHandler(createWebhookGuard({
      ...options,
      receive: (event) => app.webhooks.receive(event as Parameters<typeof app.webhooks.receive>[0]),
      log: { warn: (fields, message) => app.log.warn(fields, message), error: (fields, message) => app.log.error(fields, message) },
    }));
    return appFn(app, appOptions);
  };
}
