import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Files of a repository written to a fresh temp folder: text, raw bytes, or `{ link: target }` for a symlink. */
export type RepoFiles = Record<string, string | Uint8Array | { readonly link: string }>;

export function writeRepo(files: RepoFiles, root = mkdtempSync(join(tmpdir(), 'kkp-load-'))): string {
  for (const [path, content] of Object.entries(files)) {
    const absolute = join(root, path);
    mkdirSync(dirname(absolute), { recursive: true });
    if (typeof content === 'object' && 'link' in content) symlinkSync(content.link, absolute);
    else writeFileSync(absolute, content);
  }
  return root;
}

export const CLUSTER = `apiVersion: kubermatic.k8c.io/v1
kind: Cluster
metadata:
  name: prod-1
  labels:
    project-id: abc
spec:
  cloud:
    dc: aws-eu
`;
