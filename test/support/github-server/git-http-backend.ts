/**
 * Serves bare repositories over Git's smart HTTP protocol by running the real `git http-backend` as a CGI
 * program. Only fetches (upload-pack) are served: the app reads, it never pushes.
 */
import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface GitBackendRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** `/owner/repo.git/info/refs` */
  readonly pathInfo: string;
  readonly query: string;
  readonly projectRoot: string;
  readonly remoteUser: string;
}

/** Runs one CGI request; resolves with the HTTP status written. */
export function serveGit({ req, res, pathInfo, query, projectRoot, remoteUser }: GitBackendRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      GIT_PROJECT_ROOT: projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      GATEWAY_INTERFACE: 'CGI/1.1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: pathInfo,
      QUERY_STRING: query,
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_USER: remoteUser,
      REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
      HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
      GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
    };
    if (req.headers['content-length']) env['CONTENT_LENGTH'] = req.headers['content-length'];
    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    req.pipe(child.stdin);
    let headerBuffer = Buffer.alloc(0);
    let headersDone = false;
    let status = 200;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      headerBuffer = Buffer.concat([headerBuffer, chunk]);
      const text = headerBuffer.toString('latin1');
      const end = text.search(/\r?\n\r?\n/);
      if (end < 0) return;
      const separator = text.slice(end).match(/^\r?\n\r?\n/)![0];
      const headers: Record<string, string> = {};
      for (const line of text.slice(0, end).split(/\r?\n/)) {
        const colon = line.indexOf(':');
        if (colon < 0) continue;
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      headersDone = true;
      res.writeHead(status, headers);
      res.write(headerBuffer.subarray(end + separator.length));
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (!headersDone) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`git http-backend failed (${code}): ${stderr}`);
        resolve(500);
        return;
      }
      res.end();
      resolve(status);
    });
  });
}
