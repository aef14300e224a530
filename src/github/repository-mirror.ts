/**
 * One bare mirror per repository under a cache folder, so that a new push costs an incremental fetch, not a
 * fresh clone. The installation token travels in an `http.extraHeader` passed through Git's environment
 * (`GIT_CONFIG_COUNT`): never in the process arguments, never written to the mirror's config or FETCH_HEAD.
 * Fetches of one repository run one at a time. A caller that reads only given commits (by SHA) may skip the network
 * when they are all in the mirror already (`skipWhenPresent`).
 */
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { ConfigurationError } from '../core/errors.js';

export interface MirrorFetch {
  /** `owner/name`: the mirror's folder. */
  readonly fullName: string;
  /** HTTPS (or HTTP) clone URL, without credentials. */
  readonly cloneUrl: string;
  /** Installation access token, sent as the Basic-auth password of `x-access-token`. */
  readonly token: string;
  /** Refs to bring up to date (`refs/heads/main`, `refs/pull/5/head`); each lands under the same name. */
  readonly refs: readonly string[];
  /** Commits that must be present afterwards. */
  readonly commits?: readonly string[];
  /**
   * Skip the fetch when every commit of `commits` is already in the mirror (`git cat-file -e`): `refs` are then
   * left as they were, so set it only when reading those commits by SHA, never a ref that must be current (a base
   * branch "as it is now"). Default: false (always fetch).
   */
  readonly skipWhenPresent?: boolean;
}

export interface RepositoryMirrors {
  /** Fetches `refs` into the repository's mirror (creating it on first use); returns the bare repository's path. */
  fetch(request: MirrorFetch): Promise<string>;
}

export interface RepositoryMirrorsOptions {
  /** Folder holding the mirrors (`<cacheDir>/<owner>/<name>.git`). */
  readonly cacheDir: string;
}

/** A commit the fetch should have brought is not in the mirror (the branch moved on, or was force-pushed). */
export class CommitNotFoundError extends ConfigurationError {}

export function createRepositoryMirrors(options: RepositoryMirrorsOptions): RepositoryMirrors {
  const queues = new Map<string, Promise<unknown>>();

  async function fetchNow(request: MirrorFetch): Promise<string> {
    if (!/^[\w.-]+\/[\w.-]+$/.test(request.fullName)) throw new ConfigurationError(`not a repository name: ${request.fullName}`);
    const dir = join(options.cacheDir, `${request.fullName}.git`);
    if (!(await stat(join(dir, 'HEAD')).catch(() => undefined))) {
      await mkdir(dir, { recursive: true });
      await simpleGit({ baseDir: dir }).init(true);
    }
    if (request.skipWhenPresent && request.commits?.length && (await missingCommits(simpleGit({ baseDir: dir }), request.commits)).length === 0) return dir;
    const header = `Authorization: Basic ${Buffer.from(`x-access-token:${request.token}`).toString('base64')}`;
    const git: SimpleGit = simpleGit({ baseDir: dir, unsafe: { allowUnsafeConfigEnvCount: true } }).env({
      ...passThroughEnv(),
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.extraHeader',
      GIT_CONFIG_VALUE_0: header,
    });
    const refspecs = request.refs.map((ref) => `+${ref}:${ref}`);
    try {
      await git.raw(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', request.cloneUrl, ...refspecs]);
    } catch (cause) {
      throw new ConfigurationError(`cannot fetch ${request.fullName}: ${redact(cause, request.token)}`);
    }
    const [missing] = await missingCommits(git, request.commits ?? []);
    if (missing !== undefined) throw new CommitNotFoundError(`commit ${missing} of ${request.fullName} is not in the fetched refs (${request.refs.join(', ')})`);
    return dir;
  }

  return {
    fetch(request) {
      const previous = queues.get(request.fullName) ?? Promise.resolve();
      const next = previous.catch(() => undefined).then(() => fetchNow(request));
      queues.set(request.fullName, next);
      return next;
    },
  };
}

/** The commits of `commits` that the repository does not hold, in order. */
async function missingCommits(git: SimpleGit, commits: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const commit of commits) {
    const present = await git.raw(['cat-file', '-e', `${commit}^{commit}`]).then(
      () => true,
      () => false,
    );
    if (!present) missing.push(commit);
  }
  return missing;
}

/** What Git needs from the environment (paths, locale, proxies, CA bundle), and nothing that runs programs. */
function passThroughEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'GIT_SSL_CAINFO', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'];
  const env: Record<string, string> = {};
  for (const key of keep) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}

/** Git's error text without the token (Git does not echo headers, but be sure). */
function redact(error: unknown, token: string): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split(token).join('***').trim();
}
