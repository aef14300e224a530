/**
 * Writes a valid desired-state repository of any size, shaped like KKP's large-scale architecture (seeds, each
 * with its datacenters in files of their own and one inline; projects with users, bindings, SSH keys and
 * clusters, one object per file). Deterministic: the same options write the same bytes. Benchmarks of
 * validation, plan and the webhook reuse it.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GenerateRepositoryOptions {
  /** Seeds. Default: 100. */
  readonly seeds?: number;
  /** Datacenters, spread evenly over the seeds (one per seed written inline, the rest as Datacenter files). Default: 2,000. */
  readonly datacenters?: number;
  /** Clusters, spread over the projects and datacenters. Default: 10,000. */
  readonly clusters?: number;
  /** Projects, each with two users, their bindings, a group binding and an SSH key. Default: 100. */
  readonly projects?: number;
}

export interface GeneratedRepository {
  readonly files: number;
  readonly documents: number;
  readonly bytes: number;
  /** Documents per kind. */
  readonly kinds: Readonly<Record<string, number>>;
}

const VERSIONS: Readonly<Record<string, number>> = { '1.33': 10, '1.34': 8, '1.35': 8, '1.36': 4 };
const ALL_VERSIONS = Object.entries(VERSIONS).flatMap(([minor, last]) => Array.from({ length: last + 1 }, (_, p) => `${minor}.${p}`));
/** Versions clusters get, most of them on the default, like a real fleet. */
const CLUSTER_VERSIONS = ['1.35.7', '1.35.7', '1.35.7', '1.36.3', '1.34.8', '1.35.6', '1.33.10', '1.36.2'];
const PROVIDERS = ['aws', 'gcp', 'digitalocean', 'azure'] as const;
type Provider = (typeof PROVIDERS)[number];
const COUNTRIES = ['DE', 'US', 'NL', 'GB', 'FR', 'IE', 'JP', 'SG', 'BR', 'CA'];

/** Deletes `dir` if it exists and writes the repository into it. */
export function generateRepository(dir: string, options: GenerateRepositoryOptions = {}): GeneratedRepository {
  const seeds = options.seeds ?? 100;
  const datacenters = Math.max(options.datacenters ?? 2000, seeds);
  const clusters = options.clusters ?? 10_000;
  const projects = options.projects ?? 100;
  if (seeds < 1 || projects < 1) throw new RangeError('generateRepository needs at least one seed and one project');

  rmSync(dir, { recursive: true, force: true });
  const kinds: Record<string, number> = {};
  let files = 0;
  let bytes = 0;
  const madeDirs = new Set<string>();
  const write = (path: string, kind: string, text: string) => {
    const folder = join(dir, path, '..');
    if (!madeDirs.has(folder)) {
      mkdirSync(folder, { recursive: true });
      madeDirs.add(folder);
    }
    writeFileSync(join(dir, path), text);
    kinds[kind] = (kinds[kind] ?? 0) + 1;
    files++;
    bytes += Buffer.byteLength(text);
  };

  // The default limit on files is 20,000: a larger repository raises it, as its owners would.
  const fileCount = 2 + datacenters + projects * 7 + clusters;
  write('kkp-gitops.yaml', 'Config', configYaml(fileCount > 20_000 ? fileCount : undefined));
  write('kubermatic-configuration.yaml', 'KubermaticConfiguration', versionsYaml());

  // Datacenters: seed s holds datacenters s, s + seeds, s + 2·seeds, ...; its first one is written inline.
  const dcNames: string[] = [];
  const dcProviders: Provider[] = [];
  for (let d = 0; d < datacenters; d++) {
    const provider = PROVIDERS[d % PROVIDERS.length] as Provider;
    dcNames.push(`${provider === 'digitalocean' ? 'do' : provider}-${pad(d, 4)}`);
    dcProviders.push(provider);
  }
  for (let s = 0; s < seeds; s++) {
    const seed = seedName(s);
    const inline = dcNames[s] as string;
    write(`seeds/${seed}.yaml`, 'Seed', seedYaml(seed, s, inline, datacenterSpecYaml(dcProviders[s] as Provider, s, '        ')));
    for (let d = s + seeds; d < datacenters; d += seeds) {
      const name = dcNames[d] as string;
      write(`datacenters/${seed}/${name}.yaml`, 'Datacenter', datacenterYaml(name, seed, d, datacenterSpecYaml(dcProviders[d] as Provider, d, '    ')));
    }
  }

  const projectIds = Array.from({ length: projects }, (_, p) => projectId(p));
  for (let p = 0; p < projects; p++) {
    const id = projectIds[p] as string;
    write(`projects/${id}/project.yaml`, 'Project', projectYaml(id, p));
    for (const [u, role] of [[2 * p, 'owners'], [2 * p + 1, 'editors']] as const) {
      const user = `user-${pad(u, 5)}`;
      write(`users/${user}.yaml`, 'User', userYaml(user));
      write(`projects/${id}/bindings/${user}.yaml`, 'UserProjectBinding', userBindingYaml(id, user, role));
    }
    write(`projects/${id}/bindings/group-sre.yaml`, 'GroupProjectBinding', groupBindingYaml(id));
    write(`projects/${id}/ssh-keys/deploy.yaml`, 'UserSSHKey', sshKeyYaml(id, p));
  }

  for (let c = 0; c < clusters; c++) {
    const id = projectIds[c % projects] as string;
    const d = c % datacenters;
    const name = `cluster-${pad(c, 6)}`;
    write(`projects/${id}/clusters/${name}.yaml`, 'Cluster', clusterYaml(name, id, c, dcNames[d] as string, dcProviders[d] as Provider));
  }

  const documents = Object.values(kinds).reduce((a, b) => a + b, 0);
  return { files, documents, bytes, kinds };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function seedName(s: number): string {
  return `seed-${pad(s, 3)}`;
}

/** A 10-character lowercase alphanumeric ID, like KKP's, derived from the index (a fixed permutation, no clock or RNG). */
function projectId(p: number): string {
  let x = (p + 1) * 2654435761;
  let id = '';
  for (let i = 0; i < 10; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    id += 'abcdefghijklmnopqrstuvwxyz0123456789'[(x >>> 8) % 36];
  }
  // The index keeps IDs unique whatever the permutation does.
  return id.slice(0, 10 - String(p).length) + String(p);
}

/** A syntactically valid ssh-ed25519 public key whose 32 key bytes are derived from the index. */
function sshPublicKey(p: number): string {
  const type = Buffer.from('ssh-ed25519');
  const key = Buffer.alloc(32);
  for (let i = 0; i < 32; i++) key[i] = (p * 31 + i * 17) & 0xff;
  const blob = Buffer.concat([Buffer.from([0, 0, 0, type.length]), type, Buffer.from([0, 0, 0, 32]), key]);
  return `ssh-ed25519 ${blob.toString('base64')} deploy@project-${p}`;
}

function configYaml(maxFiles: number | undefined): string {
  return `apiVersion: gitops.kkp.dev/v1alpha1
kind: Config
spec:
  paths: ["."]
  edition: enterprise
  repository: bench/kkp-config
${maxFiles === undefined ? '' : `  limits:\n    maxFiles: ${maxFiles}\n`}`;
}

function versionsYaml(): string {
  const minors = Object.keys(VERSIONS);
  const updates = minors.flatMap((minor, i) => {
    const next = minors[i + 1];
    const within = `      - from: ${minor}.*\n        to: ${minor}.*\n        automatic: false\n`;
    return next ? [within, `      - from: ${minor}.*\n        to: ${next}.*\n        automatic: false\n`] : [within];
  });
  return `apiVersion: kubermatic.k8c.io/v1
kind: KubermaticConfiguration
metadata:
  name: kubermatic
  namespace: kubermatic
spec:
  versions:
    versions:
${ALL_VERSIONS.map((v) => `      - ${v}\n`).join('')}    default: 1.35.7
    updates:
${updates.join('')}`;
}

function datacenterSpecYaml(provider: Provider, d: number, indent: string): string {
  switch (provider) {
    case 'aws':
      return `${indent}aws:\n${indent}  region: region-${d}\n`;
    case 'gcp':
      return `${indent}gcp:\n${indent}  region: region-${d}\n${indent}  zoneSuffixes: [a, b, c]\n`;
    case 'digitalocean':
      return `${indent}digitalocean:\n${indent}  region: region-${d}\n`;
    case 'azure':
      return `${indent}azure:\n${indent}  location: location-${d}\n`;
  }
}

function seedYaml(seed: string, s: number, inlineDc: string, inlineSpec: string): string {
  return `apiVersion: kubermatic.k8c.io/v1
kind: Seed
metadata:
  name: ${seed}
  namespace: kubermatic
spec:
  country: ${COUNTRIES[s % COUNTRIES.length]}
  location: Site ${s}
  kubeconfig:
    name: kubeconfig-${seed}
    namespace: kubermatic
  exposeStrategy: LoadBalancer
  datacenters:
    ${inlineDc}:
      country: ${COUNTRIES[s % COUNTRIES.length]}
      location: Site ${s}
      spec:
${inlineSpec}`;
}

function datacenterYaml(name: string, seed: string, d: number, spec: string): string {
  return `apiVersion: gitops.kkp.dev/v1alpha1
kind: Datacenter
metadata:
  name: ${name}
spec:
  seed: ${seed}
  country: ${COUNTRIES[d % COUNTRIES.length]}
  location: Site ${d}
  spec:
${spec}`;
}

function projectYaml(id: string, p: number): string {
  return `apiVersion: kubermatic.k8c.io/v1
kind: Project
metadata:
  name: ${id}
spec:
  name: Project ${p}
`;
}

function userYaml(user: string): string {
  return `apiVersion: kubermatic.k8c.io/v1
kind: User
metadata:
  name: ${user}
spec:
  name: User ${user.slice(5)}
  email: ${user}@example.com
`;
}

function userBindingYaml(id: string, user: string, role: string): string {
  return `apiVersion: kubermatic.k8c.io/v1
kind: UserProjectBinding
metadata:
  name: ${id}-${user}
spec:
  userEmail: ${user}@example.com
  projectID: ${id}
  group: ${role}-${id}
`;
}

function groupBindingYaml(id: string): string {
  return `apiVersion: kubermatic.k8c.io/v1
kind: GroupProjectBinding
metadata:
  name: ${id}-sre
spec:
  group: sre
  projectID: ${id}
  role: viewers
`;
}

function sshKeyYaml(id: string, p: number): string {
  return `apiVersion: kubermatic.k8c.io/v1
kind: UserSSHKey
metadata:
  name: ${id}-deploy
spec:
  name: deploy
  project: ${id}
  publicKey: ${sshPublicKey(p)}
  clusters: []
`;
}

function clusterYaml(name: string, id: string, c: number, dc: string, provider: Provider): string {
  const cni = c % 3 === 0 ? 'canal\n    version: v3.29' : 'cilium\n    version: 1.16.6';
  return `apiVersion: kubermatic.k8c.io/v1
kind: Cluster
metadata:
  name: ${name}
  labels:
    project-id: ${id}
spec:
  humanReadableName: Cluster ${c}
  version: ${CLUSTER_VERSIONS[c % CLUSTER_VERSIONS.length]}
  exposeStrategy: ${c % 2 === 0 ? 'NodePort' : 'Tunneling'}
  cloud:
    dc: ${dc}
    providerName: ${provider}
    ${provider}:
      credentialsReference:
        name: credential-${provider}-${id}
        namespace: kubermatic
${provider === 'azure' ? '      loadBalancerSKU: standard\n' : ''}  clusterNetwork:
    ipFamily: IPv4
    dnsDomain: cluster.local
    proxyMode: ${c % 3 === 0 ? 'ipvs' : 'ebpf'}
    pods:
      cidrBlocks: [172.25.0.0/16]
    services:
      cidrBlocks: [10.240.16.0/20]
  cniPlugin:
    type: ${cni}
`;
}
