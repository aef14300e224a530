/**
 * The labels and annotations kkp-gitops stamps on every object it renders. The two labels together decide
 * what may be pruned: only live objects carrying our managed-by label AND this repository's label.
 */
import { createHash } from 'node:crypto';

/** The server-side apply field manager of every write kkp-gitops makes. */
export const FIELD_MANAGER = 'kkp-gitops';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'kkp-gitops';
/** Label with a label-safe form of the repository id (see `repositoryLabelValue`). */
export const REPOSITORY_LABEL = 'gitops.kkp.dev/repository';
/** Annotation with the repository id as given (`owner/name`). */
export const REPOSITORY_ANNOTATION = 'gitops.kkp.dev/repository';
/** Annotation `<file>#<document index>` naming the document an object was rendered from. */
export const SOURCE_ANNOTATION = 'gitops.kkp.dev/source';
/** Annotation with the hash of the rendered manifest last applied: tells drift from a change in Git. */
export const DESIRED_HASH_ANNOTATION = 'gitops.kkp.dev/desired-hash';

const LABEL_VALUE_MAX = 63;

/**
 * A label-safe form of a repository id: at most 63 characters of `[A-Za-z0-9._-]`, starting and ending with an
 * alphanumeric. `acme/kkp-config` becomes `acme.kkp-config`; ids too long or changed by the mapping keep a short
 * hash of the original so that two different ids never share a value.
 */
export function repositoryLabelValue(repository: string): string {
  const mapped = repository
    .replace(/\//g, '.')
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/[^A-Za-z0-9]+$/, '');
  const lossless = mapped === repository.replace(/\//g, '.') && !repository.includes('.');
  if (lossless && mapped.length > 0 && mapped.length <= LABEL_VALUE_MAX) return mapped;
  const hash = createHash('sha256').update(repository).digest('hex').slice(0, 10);
  const head = mapped.slice(0, LABEL_VALUE_MAX - hash.length - 1).replace(/[^A-Za-z0-9]+$/, '');
  return head ? `${head}-${hash}` : hash;
}
