import http from 'node:http';
import https from 'node:https';
import { ApiRequestError, type ApiErrorCause } from '../core/apply/api-request-error.js';
import { ClusterUnreachableError } from '../core/errors.js';
import type { KubeEndpoint } from './kube-endpoint.js';

export interface KubeRequest {
  readonly method: 'GET' | 'PATCH' | 'DELETE' | 'POST' | 'PUT';
  readonly path: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
  readonly contentType?: string;
  /** Words for error messages: `list seeds`, `apply Cluster/prod-1`. Never contains data. */
  readonly what: string;
  /** Do not parse a successful answer's body (it is not needed). Default: false. */
  readonly ignoreSuccessBody?: boolean;
}

export interface KubeResponse {
  readonly status: number;
  readonly body: unknown;
}

export interface RequestOptions {
  /** Requests answered 429 or 503 are tried again this many times (after `Retry-After`, at most 1 s). Default: 2. */
  readonly retries?: number;
}

/**
 * One request to the Kubernetes API. A connection failure becomes `ClusterUnreachableError`; an error Status
 * becomes `ApiRequestError` with its code, reason and causes. Bodies are never quoted in errors.
 */
export async function kubeRequest(endpoint: KubeEndpoint, request: KubeRequest, options: RequestOptions = {}): Promise<KubeResponse> {
  const retries = options.retries ?? 2;
  for (let attempt = 0; ; attempt++) {
    const response = await send(endpoint, request);
    if ((response.status === 429 || response.status === 503) && attempt < retries) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, (Number(response.retryAfter) || 0.05 * (attempt + 1)) * 1000)));
      continue;
    }
    if (response.status >= 400) throw statusError(endpoint.target, request, response);
    return response;
  }
}

async function send(endpoint: KubeEndpoint, request: KubeRequest): Promise<KubeResponse & { retryAfter?: string }> {
  const url = new URL(request.path, endpoint.server);
  for (const [k, v] of Object.entries(request.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
  const payload = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body));
  const headers: Record<string, string> = { ...(await endpoint.headers()), Accept: 'application/json' };
  if (payload) {
    headers['Content-Type'] = request.contentType ?? 'application/json';
    headers['Content-Length'] = String(payload.length);
  }
  const transport = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, { method: request.method, headers, agent: endpoint.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (cause) => reject(unreachable(endpoint, request, cause)));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        const status = res.statusCode ?? 0;
        if (request.ignoreSuccessBody && status < 400) body = undefined;
        else if (text !== '' && (res.headers['content-type'] ?? '').includes('json')) {
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
        }
        const retryAfter = res.headers['retry-after'];
        resolve({ status, body, ...(typeof retryAfter === 'string' ? { retryAfter } : {}) });
      });
    });
    req.setTimeout(30_000, () => req.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (cause) => reject(unreachable(endpoint, request, cause)));
    if (payload) req.write(payload);
    req.end();
  });
}

function unreachable(endpoint: KubeEndpoint, request: KubeRequest, cause: Error & { code?: string }): ClusterUnreachableError {
  const why = cause.code ?? cause.message;
  return new ClusterUnreachableError(endpoint.target, `${endpoint.target} is unreachable at ${endpoint.server.origin} (${request.what}: ${why})`);
}

function statusError(_target: string, request: KubeRequest, response: KubeResponse): ApiRequestError {
  const status = typeof response.body === 'object' && response.body !== null ? (response.body as Record<string, unknown>) : {};
  const details = typeof status['details'] === 'object' && status['details'] !== null ? (status['details'] as Record<string, unknown>) : {};
  const causes = Array.isArray(details['causes'])
    ? (details['causes'] as Record<string, unknown>[]).map(
        (c): ApiErrorCause => ({
          ...(typeof c['reason'] === 'string' ? { reason: c['reason'] } : {}),
          ...(typeof c['message'] === 'string' ? { message: c['message'] } : {}),
          ...(typeof c['field'] === 'string' ? { field: c['field'] } : {}),
        }),
      )
    : [];
  const reason = typeof status['reason'] === 'string' ? status['reason'] : undefined;
  const message = typeof status['message'] === 'string' ? status['message'] : `HTTP ${response.status}`;
  return new ApiRequestError(`${request.what} refused (${response.status}${reason ? ` ${reason}` : ''}): ${message}`, {
    code: response.status,
    ...(reason ? { reason } : {}),
    ...(causes.length ? { causes } : {}),
  });
}
