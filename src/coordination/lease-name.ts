/**
 * The Lease of a repository: `kkp-gitops-<owner>-<repo>`, lower case, as a DNS label (at most 63 characters of
 * `[a-z0-9-]`). GitHub names are case-insensitive, so lower-casing keeps them apart; when other characters had to
 * be replaced (`.`, `_`) or the name is too long, a hash of the full name is appended so that two repositories
 * never share a lease.
 */
import { createHash } from 'node:crypto';

const PREFIX = 'kkp-gitops-';
const MAX = 63;
const HASH_LENGTH = 10;

export function leaseNameFor(repository: string): string {
  const lower = repository.toLowerCase();
  const plain = `${PREFIX}${lower.replace(/\//g, '-')}`;
  const safe = `${PREFIX}${lower.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')}`;
  if (safe === plain && safe.length <= MAX && /[a-z0-9]$/.test(safe)) return safe;
  const hash = createHash('sha256').update(lower).digest('hex').slice(0, HASH_LENGTH);
  const room = MAX - HASH_LENGTH - 1;
  return `${safe.slice(0, room).replace(/-+$/, '')}-${hash}`;
}
