/**
 * Generates, from KKP's released CustomResourceDefinitions (`../shared/kkp/releases/<tag>/crds`, or `--kkp <dir>`):
 * - `schemas/kkp/<release>/<kind>.schema.json`: the JSON Schema (draft-07) the validator checks each kind with,
 *   converted from the CRD's `openAPIV3Schema` with apiserver semantics (see `toJsonSchema`), plus the Datacenter
 *   kind of our own whose KKP part is the Seed CRD's datacenter;
 * - `schemas/kkp/<release>/crds.json`: the CRDs the sandbox serves, as KKP installs them (apiextensions.k8s.io/v1);
 * - `src/generated/kkp/releases.ts`: the releases, each with its built-in Kubernetes versions, updates and
 *   provider incompatibilities, from its generated KubermaticConfiguration reference (`examples/`), and the
 *   fingerprint of each CRD (what `plan` and `serve` compare the master's installed CRDs with).
 * `<release>` is the minor (`v2.31`), the value of `spec.kkpVersion`. Run `npm run generate-schemas`, then
 * `npm run generate-types` and `npx tsx scripts/generate-validators.ts`. Deterministic: same input, same bytes.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { crdFingerprint } from '../src/core/versions/crd-fingerprint.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SCHEMA_BASE = 'https://kkp-gitops.dev/schemas';
const KKP_GROUP = 'kubermatic.k8c.io';

type Node = Record<string, unknown>;

/** The KKP kinds the product validates and the sandbox serves: CRD plural and the schema file's name. */
export const GENERATED_KINDS: ReadonlyArray<{ kind: string; plural: string; file: string }> = [
  { kind: 'Cluster', plural: 'clusters', file: 'cluster' },
  { kind: 'GroupProjectBinding', plural: 'groupprojectbindings', file: 'group-project-binding' },
  { kind: 'KubermaticConfiguration', plural: 'kubermaticconfigurations', file: 'kubermatic-configuration' },
  { kind: 'Project', plural: 'projects', file: 'project' },
  { kind: 'Seed', plural: 'seeds', file: 'seed' },
  { kind: 'User', plural: 'users', file: 'user' },
  { kind: 'UserProjectBinding', plural: 'userprojectbindings', file: 'user-project-binding' },
  { kind: 'UserSSHKey', plural: 'usersshkeys', file: 'user-ssh-key' },
];

/**
 * Kinds with a KKP mutating webhook that answers with a patch from the document as received to the document
 * re-encoded from its Go type (`admission.PatchResponseFromRaw`, pkg/webhook/cluster/mutation/handler.go):
 * the re-encoding writes every field without `omitempty`, so the CRD's
 * `required` is met before the apiserver checks the schema, whatever Git left out, except for lists (a nil slice
 * encodes as null, which the apiserver prunes). What else stays required is what KKP's validation demands
 * non-empty (pkg/validation/cluster.go `ValidateClusterSpec`: humanReadableName, version, cloud.dc), keyed by
 * the JSON pointer of the object schema. (The UserSSHKey webhook round-trips too, but all its required fields are
 * a list or demanded by pkg/validation/usersshkey.go.)
 */
const REQUIRED_AFTER_KKP_MUTATION: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  Cluster: {
    '/properties/spec': ['cloud', 'humanReadableName', 'version'],
    '/properties/spec/properties/cloud': ['dc'],
  },
};

/** A released tag (`v2.31.0`) → the release name used by `spec.kkpVersion` (`v2.31`). */
export function releaseOfTag(tag: string): string {
  const match = /^v(\d+)\.(\d+)\.\d+$/.exec(tag);
  if (!match) throw new Error(`not a KKP release tag: ${tag}`);
  return `v${match[1]}.${match[2]}`;
}

/**
 * One CRD `openAPIV3Schema` node → JSON Schema draft-07, as the apiserver judges a document:
 * - objects with `properties` and neither `additionalProperties` nor `x-kubernetes-preserve-unknown-fields`
 *   refuse other keys (`additionalProperties: false`: the apiserver would prune them, `kubeconform -strict`);
 *   an object with neither properties nor additionalProperties keeps nothing, so refuses every key;
 * - `null` of an optional field is accepted (the apiserver prunes nulls of non-nullable fields before
 *   defaulting); `nullable: true` accepts it anywhere;
 * - a `required` field with a `default` is not required (defaulting fills it before validation), nor one that
 *   KKP's mutating webhook writes (`keptRequired`: the fields still required, by object pointer);
 * - `x-kubernetes-int-or-string` is integer or string; `format` is dropped (the apiserver checks only a few,
 *   none of which KKP's CRDs rely on for a document in Git), as are descriptions and `x-kubernetes-*` markers.
 */
export function toJsonSchema(node: Node, pointer = '', keptRequired?: Readonly<Record<string, readonly string[]>>): Node {
  const out: Node = {};
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (node['x-kubernetes-int-or-string'] === true) {
    const stringBranch: Node = { type: 'string' };
    if (typeof node.pattern === 'string') stringBranch.pattern = node.pattern;
    out.anyOf = [{ type: 'integer' }, stringBranch];
  } else if (typeof node.type === 'string') {
    out.type = node.type;
  }
  for (const key of ['enum', 'pattern', 'minLength', 'maxLength', 'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties', 'multipleOf', 'default'] as const) {
    if (key === 'pattern' && out.anyOf) continue;
    if (node[key] !== undefined) out[key] = node[key];
  }
  // OpenAPI 3.0's boolean exclusiveMinimum/Maximum → draft-07's numeric ones.
  for (const [bound, exclusive] of [['minimum', 'exclusiveMinimum'], ['maximum', 'exclusiveMaximum']] as const) {
    if (typeof node[bound] !== 'number') continue;
    if (node[exclusive] === true) out[exclusive] = node[bound];
    else out[bound] = node[bound];
  }
  if (node.items && typeof node.items === 'object') out.items = toJsonSchema(node.items as Node, `${pointer}/items`, keptRequired);
  const properties = node.properties as Record<string, Node> | undefined;
  if (properties) {
    const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
    if (keptRequired) {
      for (const name of required) {
        // A nil Go slice encodes as null, which the apiserver prunes: a required list stays required.
        if (properties[name]?.type !== 'array' && !(keptRequired[pointer] ?? []).includes(name)) required.delete(name);
      }
    }
    for (const [name, child] of Object.entries(properties)) if (child.default !== undefined) required.delete(name);
    const converted: Record<string, Node> = {};
    for (const name of Object.keys(properties).sort()) {
      const child = toJsonSchema(properties[name]!, `${pointer}/properties/${name}`, keptRequired);
      converted[name] = required.has(name) ? child : acceptingNull(child);
    }
    out.properties = converted;
    if (required.size > 0) out.required = [...required].sort();
  } else if (Array.isArray(node.required) && node.required.length > 0) {
    out.required = [...(node.required as string[])].sort();
  }
  if (node.additionalProperties !== undefined) {
    out.additionalProperties =
      typeof node.additionalProperties === 'object' ? toJsonSchema(node.additionalProperties as Node, `${pointer}/additionalProperties`, keptRequired) : node.additionalProperties;
  } else if (out.type === 'object' && !preserve) {
    out.additionalProperties = false;
  }
  for (const combinator of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (Array.isArray(node[combinator]) && !node['x-kubernetes-int-or-string']) {
      out[combinator] = (node[combinator] as Node[]).map((branch) => toJsonSchema(branch, pointer, keptRequired));
    }
  }
  if (node.nullable === true) return acceptingNull(out);
  return out;
}

/** The schema, also accepting `null`. */
function acceptingNull(schema: Node): Node {
  if (typeof schema.type === 'string') {
    const copy: Node = { ...schema, type: [schema.type, 'null'] };
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) copy.enum = [...schema.enum, null];
    return copy;
  }
  if (Array.isArray(schema.anyOf)) return { ...schema, anyOf: [...(schema.anyOf as Node[]), { type: 'null' }] };
  return schema;
}

/** The JSON Schema document of one kind of one release. */
export function kindSchema(crd: Node, kind: string, file: string, release: string): Node {
  const version = servedVersion(crd);
  const root = ((version.schema as Node).openAPIV3Schema ?? {}) as Node;
  const properties = (root.properties ?? {}) as Record<string, Node>;
  const namespaced = (crd.spec as Node).scope === 'Namespaced';
  const spec = properties.spec ? toJsonSchema(properties.spec, '/properties/spec', REQUIRED_AFTER_KKP_MUTATION[kind]) : undefined;
  const required = ['apiVersion', 'kind', 'metadata', ...(spec && Array.isArray(root.required) && root.required.includes('spec') ? ['spec'] : [])];
  const schema: Node = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `${SCHEMA_BASE}/kkp/${release}/${file}.schema.json`,
    title: kind,
    description: `KKP ${release} ${kind}, generated by scripts/generate-schemas.ts from KKP's CRD ${String((crd.metadata as Node).name)}.`,
    type: 'object',
    required,
    additionalProperties: false,
    properties: {
      apiVersion: { const: `${KKP_GROUP}/${String(version.name)}` },
      kind: { const: kind },
      // Our GitOps rule: no server-written metadata (uid, resourceVersion, managedFields...) in Git.
      metadata: { $ref: `../../definitions.schema.json#/definitions/${namespaced ? 'namespacedObjectMeta' : 'objectMeta'}` },
      ...(spec ? { spec } : {}),
      // No `status`: the controllers write it, never Git (our GitOps rule).
    },
  };
  const definitions: Record<string, Node> = {};
  if (kind === 'Seed' && spec) {
    // The datacenter is shared with the Datacenter kind: one definition, referenced by both.
    const datacenters = (spec.properties as Record<string, Node>).datacenters!;
    const datacenter = datacenters.additionalProperties as Node;
    (spec.properties as Record<string, Node>).datacenters = { ...datacenters, additionalProperties: { $ref: '#/definitions/datacenter' } };
    definitions.datacenter = datacenter;
  }
  if (spec) {
    const hoisted = new Map<string, string>();
    for (const [name, definition] of Object.entries(definitions)) definitions[name] = hoistObjects(definition, name, definitions, hoisted, true);
    (schema.properties as Record<string, Node>).spec = hoistObjects(spec, 'spec', definitions, hoisted, true);
  }
  if (Object.keys(definitions).length > 0) schema.definitions = definitions;
  return schema;
}

/**
 * Every object schema below `node` with properties becomes a definition (`#/definitions/<path>`, named after
 * the first path it is found at; identical ones shared) and a `$ref` to it. The generated validator is then a
 * function per object instead of one function nested as deep as the CRD (which TypeScript cannot even parse),
 * and the many copies of the same Kubernetes type (an ObjectReference, a Toleration) are compiled once.
 */
function hoistObjects(node: Node, path: string, definitions: Record<string, Node>, hoisted: Map<string, string>, keep = false): Node {
  const out: Node = { ...node };
  if (node.properties) {
    out.properties = Object.fromEntries(
      Object.entries(node.properties as Record<string, Node>).map(([name, child]) => [name, hoistObjects(child, `${path}.${name}`, definitions, hoisted)]),
    );
  }
  if (node.items && typeof node.items === 'object') out.items = hoistObjects(node.items as Node, `${path}[]`, definitions, hoisted);
  if (node.additionalProperties && typeof node.additionalProperties === 'object') {
    out.additionalProperties = hoistObjects(node.additionalProperties as Node, `${path}.*`, definitions, hoisted);
  }
  if (keep || !node.properties) return out;
  const key = JSON.stringify(out);
  let name = hoisted.get(key);
  if (name === undefined) {
    name = path;
    hoisted.set(key, name);
    definitions[name] = out;
  }
  return { $ref: `#/definitions/${name}` };
}

/** Our Datacenter kind of a release: a datacenter of KKP's Seed CRD, plus the seed it belongs to. */
export function datacenterSchema(seedSchema: Node, release: string): Node {
  const datacenter = (seedSchema.definitions as Record<string, Node>).datacenter!;
  const fields = Object.keys(datacenter.properties as Node);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `${SCHEMA_BASE}/kkp/${release}/datacenter.schema.json`,
    title: 'Datacenter',
    description: `A datacenter in its own file (kkp-gitops' own kind): KKP ${release}'s datacenter fields plus the seed it belongs to.`,
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    additionalProperties: false,
    properties: {
      apiVersion: { const: 'gitops.kkp.dev/v1alpha1' },
      kind: { const: 'Datacenter' },
      metadata: { $ref: '../../definitions.schema.json#/definitions/objectMeta' },
      spec: {
        type: 'object',
        required: ['seed', ...((datacenter.required as string[] | undefined) ?? [])],
        additionalProperties: false,
        properties: {
          seed: { description: 'The Seed this datacenter belongs to.', type: 'string', format: 'rfc1123-subdomain', maxLength: 253 },
          ...Object.fromEntries(fields.map((field) => [field, { $ref: `seed.schema.json#/definitions/datacenter/properties/${field}` }])),
        },
      },
    },
  };
}

function servedVersion(crd: Node): Node {
  const versions = ((crd.spec as Node).versions ?? []) as Node[];
  const version = versions.find((v) => v.storage === true) ?? versions[0];
  if (!version) throw new Error(`CRD ${String((crd.metadata as Node).name)} has no version`);
  return version;
}

/** The built-in versions of a release, from its generated KubermaticConfiguration reference. */
export function releaseVersions(configuration: Node): Node {
  const versions = ((configuration.spec as Node).versions ?? {}) as Node;
  const strip = (v: unknown) => String(v).replace(/^v/, '');
  return {
    default: strip(versions.default),
    versions: ((versions.versions as unknown[]) ?? []).map(strip),
    updates: ((versions.updates as Node[]) ?? []).map((u) => ({
      from: String(u.from),
      to: String(u.to),
      ...(u.automatic === true ? { automatic: true } : {}),
      ...(u.automaticNodeUpdate === true ? { automaticNodeUpdate: true } : {}),
    })),
    providerIncompatibilities: ((versions.providerIncompatibilities as Node[]) ?? []).map((p) => ({
      provider: String(p.provider ?? ''),
      version: String(p.version),
      condition: String(p.condition),
      operation: String(p.operation),
    })),
  };
}

export interface GenerateSchemasOptions {
  /** KKP's released files: a folder of `<tag>/crds` and `<tag>/examples`. Default: `defaultReleasesDir()`. */
  readonly releasesDir?: string;
  /** Where `kkp/<release>/` folders are written. Default: `schemas/`. */
  readonly outDir?: string;
  /** Where `releases.ts` (the releases and their versions, for the product) is written. Default: `src/generated/kkp/`. */
  readonly moduleDir?: string;
}

export const RELEASES_MODULE = 'releases.ts';

/** Writes every release's files and returns their paths relative to `outDir`, sorted. */
export async function generateSchemas(options: GenerateSchemasOptions = {}): Promise<string[]> {
  const releasesDir = options.releasesDir ?? (await defaultReleasesDir());
  if (releasesDir === undefined) throw new Error('KKP releases not found: pass --kkp <dir> (a folder of <tag>/crds), or set KKP_RELEASES_DIR');
  const outDir = options.outDir ?? join(REPO_ROOT, 'schemas');
  const tags = (await readdir(releasesDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const moduleDir = options.moduleDir ?? join(REPO_ROOT, 'src', 'generated', 'kkp');
  const written: string[] = [];
  const releases: Node[] = [];
  await rm(join(outDir, 'kkp'), { recursive: true, force: true });
  for (const tag of tags) {
    const release = releaseOfTag(tag);
    const dir = join(outDir, 'kkp', release);
    await mkdir(dir, { recursive: true });
    const crds: Node[] = [];
    let seedSchema: Node | undefined;
    for (const { kind, plural, file } of GENERATED_KINDS) {
      const crd = parse(await readFile(join(releasesDir, tag, 'crds', `${KKP_GROUP}_${plural}.yaml`), 'utf8')) as Node;
      crds.push(crd);
      const schema = kindSchema(crd, kind, file, release);
      if (kind === 'Seed') seedSchema = schema;
      written.push(await writeJson(join(dir, `${file}.schema.json`), schema, outDir));
    }
    written.push(await writeJson(join(dir, 'datacenter.schema.json'), datacenterSchema(seedSchema!, release), outDir));
    written.push(await writeJson(join(dir, 'crds.json'), crds, outDir, false));
    const reference = parseAllDocuments(await readFile(join(releasesDir, tag, 'examples', 'zz_generated.kubermaticConfiguration.ee.yaml'), 'utf8'))
      .map((d) => d.toJS() as Node)
      .find((d) => d?.kind === 'KubermaticConfiguration');
    if (!reference) throw new Error(`${tag}: no KubermaticConfiguration in examples/zz_generated.kubermaticConfiguration.ee.yaml`);
    // What `plan` and `serve` compare the master's installed CRDs with (src/core/versions/crd-drift.ts).
    const crdFingerprints = Object.fromEntries(crds.map((crd) => [String((crd.metadata as Node).name), crdFingerprint(crd)]).sort(([a], [b]) => a!.localeCompare(b!)));
    releases.push({ release, tag, ...releaseVersions(reference), crdFingerprints });
  }
  await mkdir(moduleDir, { recursive: true });
  await writeFile(join(moduleDir, RELEASES_MODULE), renderReleasesModule(releases));
  return written.sort();
}

function renderReleasesModule(releases: readonly Node[]): string {
  const names = releases.map((r) => `'${String(r.release)}'`);
  return [
    '/* generated by scripts/generate-schemas.ts from KKP\'s released files, do not edit */',
    '',
    '/** The KKP releases the product knows (`spec.kkpVersion`), oldest first. */',
    `export const KKP_RELEASES = [${names.join(', ')}] as const;`,
    '',
    'export type KkpRelease = (typeof KKP_RELEASES)[number];',
    '',
    '/**',
    ' * Each release\'s built-in Kubernetes versions, updates and provider incompatibilities, from its generated',
    ' * KubermaticConfiguration reference (`versions`; "v" prefixes dropped).',
    ' */',
    `export const KKP_RELEASE_VERSIONS = ${JSON.stringify(Object.fromEntries(releases.map((r) => [r.release, r])), null, 2)} as const;`,
    '',
  ].join('\n');
}

/**
 * `$KKP_RELEASES_DIR`, else `shared/kkp/releases` beside this repository or beside its parent (a work tree in
 * a folder of work trees), else undefined.
 */
export async function defaultReleasesDir(): Promise<string | undefined> {
  const candidates = [process.env.KKP_RELEASES_DIR, resolve(REPO_ROOT, '..', 'shared', 'kkp', 'releases'), resolve(REPO_ROOT, '..', '..', 'shared', 'kkp', 'releases')];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      await readdir(candidate);
      return candidate;
    } catch {
      // not there: try the next
    }
  }
  return undefined;
}

async function writeJson(path: string, value: unknown, root: string, pretty = true): Promise<string> {
  await writeFile(path, `${pretty ? JSON.stringify(value, null, 1) : JSON.stringify(value)}\n`);
  return path.slice(root.length + 1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const kkpFlag = process.argv.indexOf('--kkp');
  const releasesDir = kkpFlag > 0 ? resolve(process.argv[kkpFlag + 1] ?? '') : undefined;
  const files = await generateSchemas(releasesDir ? { releasesDir } : {});
  process.stdout.write(`generated ${files.length} files in schemas/: ${files.join(', ')}\n`);
}
