/**
 * The repositories the app serves (`KKP_GITOPS_REPOSITORY_ALLOWLIST`), with the semantics of Atlantis'
 * `--repo-allowlist`: comma-separated `owner/name` patterns, compared case-insensitively, where `*` matches any run
 * of characters (`/` too, so `acme/*` and `*` work as in Atlantis) and a pattern starting with `!` excludes what it
 * matches (an exclusion wins over every inclusion). Everything not allowed is answered and ignored.
 */
import { ConfigurationError } from '../core/errors.js';

export const REPOSITORY_ALLOWLIST_VARIABLE = 'KKP_GITOPS_REPOSITORY_ALLOWLIST';

export interface RepositoryAllowlist {
  /** The patterns as written (for logs and errors). */
  readonly patterns: readonly string[];
  /** Whether `fullName` (`owner/name`) is served. */
  allows(fullName: string): boolean;
}

const PATTERN = /^!?(\*|[A-Za-z0-9_.*-]+\/[A-Za-z0-9_.*-]+)$/;

/** Parses the variable's value; an empty list or a malformed pattern is a configuration error naming the variable. */
export function parseRepositoryAllowlist(text: string | undefined, variable = REPOSITORY_ALLOWLIST_VARIABLE): RepositoryAllowlist {
  const patterns = (text ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (patterns.length === 0) throw new ConfigurationError(`${variable} must name the repositories to serve (comma-separated owner/name globs, e.g. 'acme/kkp-config' or 'acme/*'); it is ${text === undefined ? 'not set' : 'empty'}`);
  for (const pattern of patterns) {
    if (!PATTERN.test(pattern)) throw new ConfigurationError(`${variable}: '${pattern}' is no owner/name glob (letters, digits, '-', '_', '.', '*'; one '/'; a leading '!' excludes)`);
  }
  const include = patterns.filter((p) => !p.startsWith('!')).map(globRegExp);
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => globRegExp(p.slice(1)));
  return {
    patterns,
    allows: (fullName) => include.some((r) => r.test(fullName)) && !exclude.some((r) => r.test(fullName)),
  };
}

function globRegExp(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.]/g, '\\.'))
    .join('.*');
  return new RegExp(`^${body}$`, 'i');
}
