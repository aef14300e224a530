/**
 * Who holds a lock: `<pod or host name>-<pid>-<random>`, unique per process even when two processes share a host
 * or a pod name is reused. The pod name comes from `POD_NAME` (the Downward API), else the host name.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

export function defaultHolderIdentity(env: NodeJS.ProcessEnv = process.env): string {
  const host = env['POD_NAME'] || hostname() || 'kkp-gitops';
  return `${host}-${process.pid}-${randomBytes(4).toString('hex')}`;
}
