/**
 * A real kkp-gitops bot as a child process (`node bin/kkp-gitops.js serve`), pointed at a test's local GitHub API
 * server and sandbox: the fault-injection tests kill it with SIGKILL at a chosen moment and start it again.
 *
 * The child gets the app's credentials from the GitHub server, a kubeconfig file of the sandbox (context `master`),
 * its own mirror cache, a free port, and `extraEnv` on top (short lease durations, intervals). Its output (stdout
 * and stderr, the last 64 KiB) is kept for failure messages. `stopAllBots()` kills every bot still running: call it
 * in `afterEach`/`afterAll` so that a failing test never leaves a process behind.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Sandbox } from '../../src/sandbox/index.js';
import type { GitHubServer } from './github-server/github-server.js';
import { freePort } from './free-port.js';

export { freePort };

const ROOT = join(import.meta.dirname, '..', '..');
const OUTPUT_LIMIT = 64 * 1024;

export interface BotProcessOptions {
  readonly gh: GitHubServer;
  readonly sandbox: Sandbox;
  /** Shown in failure messages. Default: `bot-<n>`. */
  readonly name?: string;
  /** Added to (and overriding) the environment below. */
  readonly extraEnv?: Readonly<Record<string, string>>;
  /** Default: `warn`. */
  readonly logLevel?: string;
  /** How long `start()` waits for the server to answer `/ping`. Default: 15,000 ms. */
  readonly startTimeoutMs?: number;
  /**
   * Keep Octokit's write spacing (1 s between writes, 3 s between comments: github.com's abuse limits). Default:
   * false: a preload takes the spacing (`minTime`) out of @octokit/plugin-throttling in the child, leaving the
   * plugin itself on, so rate-limit and secondary-rate-limit answers are handled exactly as in production.
   */
  readonly githubWriteSpacing?: boolean;
}

export interface BotProcess {
  readonly name: string;
  /** `http://127.0.0.1:<port>/api/github/webhooks`. */
  readonly webhookUrl: string;
  readonly port: number;
  /** The process id of the running child, if any. */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** What the child wrote (stdout and stderr, of every run; the last 128 KiB), or its last `limit` characters (failure messages). */
  output(limit?: number): string;
  /** Starts the child (again, after `kill`, on the same port and cache) and waits until it answers HTTP. */
  start(): Promise<void>;
  /** SIGKILL: no shutdown hook runs, as in a crash or an evicted pod. Resolves once the child has exited. */
  kill(): Promise<void>;
  /** SIGTERM, and SIGKILL after `graceMs` (default 5,000 ms). */
  stop(graceMs?: number): Promise<void>;
  /** Kills the child if running and removes its temporary folder. */
  dispose(): Promise<void>;
}

const live = new Set<BotProcess>();
let counter = 0;


function newestMtime(dir: string, suffix: string): { newest: number; oldest: number; files: Map<string, number> } {
  const files = new Map<string, number>();
  let newest = 0;
  let oldest = Infinity;
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(suffix)) {
        const m = statSync(path).mtimeMs;
        files.set(relative(dir, path).slice(0, -suffix.length), m);
        newest = Math.max(newest, m);
        oldest = Math.min(oldest, m);
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  return { newest, oldest, files };
}

/** Whether some `src/**\/*.ts` is newer than its `dist/**\/*.js` (or has none). */
export function distIsStale(): boolean {
  const src = newestMtime(join(ROOT, 'src'), '.ts');
  const dist = newestMtime(join(ROOT, 'dist'), '.js');
  for (const [file, mtime] of src.files) {
    if (file.endsWith('.d')) continue;
    const built = dist.files.get(file);
    if (built === undefined || built < mtime) return true;
  }
  return false;
}

/**
 * Builds `dist/` (tsc) when a source file is newer than its output, once per process. Several test workers may ask at once: a lock
 * folder makes one of them build while the others wait. tsc still emits when someone's in-progress file has a
 * type error, so the build is usable; its exit code is ignored here (the typecheck step reports it).
 */
export async function ensureBuilt(): Promise<void> {
  // Once per worker: a source file edited in the middle of a run does not rebuild under a running test.
  checked ??= buildIfStale();
  return checked;
}

let checked: Promise<void> | undefined;

async function buildIfStale(): Promise<void> {
  if (!distIsStale()) return;
  const lock = join(tmpdir(), 'kkp-gitops-build.lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than two minutes belongs to a dead builder.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('waited two minutes for another worker to build dist/');
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (distIsStale()) {
      try {
        execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
      } catch {
        // Type errors in files under construction: the JavaScript was emitted all the same.
      }
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * A module-loader hook for the child (registered by a `--import` preload): rewrites the `minTime` of
 * @octokit/plugin-throttling's Bottleneck groups to 0. Nothing else of the product is touched.
 */
const NO_SPACING_HOOK = `
export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  if (url.includes('/@octokit/plugin-throttling/') && result.source !== undefined) {
    return { ...result, source: String(result.source).replace(/minTime: [0-9.e]+/g, 'minTime: 0') };
  }
  return result;
}`;

function writeNoSpacingPreload(dir: string): string {
  const path = join(dir, 'no-github-write-spacing.mjs');
  writeFileSync(path, `import { register } from 'node:module';\nregister(${JSON.stringify(`data:text/javascript,${encodeURIComponent(NO_SPACING_HOOK)}`)});\n`);
  return path;
}

/** Writes the sandbox's kubeconfig (context `master` first) to a file in `dir`; returns its path. */
export function writeKubeconfig(sandbox: Sandbox, dir: string): string {
  const path = join(dir, 'kubeconfig.yaml');
  writeFileSync(path, sandbox.kubeconfigYaml, { mode: 0o600 });
  return path;
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.text();
    return response.ok;
  } catch {
    return false;
  }
}

export function createBotProcess(options: BotProcessOptions): BotProcess {
  const name = options.name ?? `bot-${++counter}`;
  const dir = mkdtempSync(join(tmpdir(), `kkp-bot-${name}-`));
  const kubeconfig = writeKubeconfig(options.sandbox, dir);
  const cacheDir = join(dir, 'cache');
  mkdirSync(cacheDir);
  let port = 0;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let out = '';
  const append = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    if (out.length > OUTPUT_LIMIT * 2) out = out.slice(out.length - OUTPUT_LIMIT * 2);
  };

  const bot: BotProcess = {
    name,
    get webhookUrl() {
      return `http://127.0.0.1:${port}/api/github/webhooks`;
    },
    get port() {
      return port;
    },
    get pid() {
      return child?.pid;
    },
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    output: (limit = Infinity) => (out.length <= limit ? out : `…${out.slice(out.length - limit)}`),
    async start() {
      if (bot.running) throw new Error(`${name} is already running`);
      await ensureBuilt();
      if (port === 0) port = await freePort();
      const { gh } = options;
      const env: Record<string, string> = {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? dir,
        NODE_ENV: 'test',
        APP_ID: String(gh.app.appId),
        PRIVATE_KEY: gh.app.privateKey,
        WEBHOOK_SECRET: gh.app.webhookSecret,
        GHE_HOST: gh.host,
        GHE_PROTOCOL: 'http',
        HOST: '127.0.0.1',
        PORT: String(port),
        NO_SMEE_SETUP: 'true',
        LOG_LEVEL: options.logLevel ?? 'warn',
        LOG_FORMAT: 'json',
        KKP_KUBECONFIG: kubeconfig,
        KKP_CONTEXT: 'master',
        KKP_GITOPS_CACHE_DIR: cacheDir,
        KKP_GITOPS_REPOSITORY_ALLOWLIST: 'acme/*',
        // The sandbox writes no KKP status unless its controllers run: tests that want the health wait turn it on.
        KKP_GITOPS_HEALTH_WAIT: 'off',
        ...options.extraEnv,
      };
      out += `--- ${name} started on port ${port} ---\n`;
      const preload = options.githubWriteSpacing ? [] : ['--import', pathToFileURL(writeNoSpacingPreload(dir)).href];
      const spawned = spawn(process.execPath, [...preload, join(ROOT, 'bin', 'kkp-gitops.js'), 'serve'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      child = spawned;
      spawned.stdout?.on('data', append);
      spawned.stderr?.on('data', append);
      exited = new Promise<void>((resolve) => spawned.once('exit', (code, signal) => {
        out += `--- ${name} exited (${signal ?? code}) ---\n`;
        resolve();
      }));
      live.add(bot);
      const deadline = Date.now() + (options.startTimeoutMs ?? 90_000);
      while (!(await answers(`http://127.0.0.1:${port}/ping`))) {
        if (!bot.running) throw new Error(`${name} exited before answering HTTP:\n${out}`);
        if (Date.now() > deadline) {
          await bot.kill();
          throw new Error(`${name} did not answer HTTP within ${options.startTimeoutMs ?? 90_000} ms:\n${out}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async kill() {
      if (bot.running) child?.kill('SIGKILL');
      await exited;
    },
    async stop(graceMs = 5_000) {
      if (!bot.running) return;
      child?.kill('SIGTERM');
      const timer = setTimeout(() => child?.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async dispose() {
      await bot.kill();
      live.delete(bot);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return bot;
}

/** Kills and cleans up every bot process created in this worker and not yet disposed. */
export async function stopAllBots(): Promise<void> {
  await Promise.all([...live].map((b) => b.dispose()));
}

// A worker that dies (or is torn down) never leaves a bot behind.
process.once('exit', () => {
  for (const bot of live) if (bot.pid !== undefined && bot.running) {
    try {
      process.kill(bot.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});
