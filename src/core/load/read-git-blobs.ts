import { spawn } from 'node:child_process';
import { ConfigurationError } from '../errors.js';

/**
 * Reads many Git blobs through one `git cat-file --batch` process.
 *
 * Why a raw child process: simple-git runs one command per call and cannot write to a command's stdin, so
 * through it each file would cost its own `git show` (10,000 files, 10,000 processes, minutes). `cat-file
 * --batch` takes object names on stdin and streams every object back from a single process.
 */
export async function readGitBlobs(repoDir: string, objects: readonly string[]): Promise<Map<string, Buffer>> {
  const unique = [...new Set(objects)];
  const blobs = new Map<string, Buffer>();
  if (unique.length === 0) return blobs;
  const output = await runCatFile(repoDir, `${unique.join('\n')}\n`);
  let at = 0;
  while (at < output.length) {
    const headerEnd = output.indexOf(0x0a, at);
    if (headerEnd < 0) break;
    const header = output.toString('utf8', at, headerEnd).split(' ');
    const [object, type, size] = header;
    if (type === 'missing' || object === undefined || size === undefined) {
      at = headerEnd + 1;
      continue;
    }
    const length = Number(size);
    const start = headerEnd + 1;
    if (type === 'blob') blobs.set(object, output.subarray(start, start + length));
    at = start + length + 1; // the object, then a newline
  }
  return blobs;
}

function runCatFile(repoDir: string, input: string): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd: repoDir, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    const errors: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => errors.push(chunk));
    child.on('error', (error) => reject(new ConfigurationError(`Cannot run git in ${repoDir}`, { cause: error })));
    child.on('close', (code) => {
      if (code === 0) resolvePromise(Buffer.concat(chunks));
      else reject(new ConfigurationError(`git cat-file failed in ${repoDir}: ${Buffer.concat(errors).toString('utf8').trim()}`));
    });
    child.stdin.on('error', () => undefined); // reported through 'close'
    child.stdin.end(input);
  });
}
