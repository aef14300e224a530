import { parseRepositoryConfig, type ConfigDocument } from '../config/parse-repository-config.js';
import { DEFAULT_REPOSITORY_CONFIG, type RepositoryConfig } from '../config/repository-config.js';
import type { Diagnostic } from '../diagnostic.js';
import { GITOPS_API_VERSION, KINDS, KKP_API_VERSION, kindInfo } from '../kinds.js';
import type { FileSource } from './file-source.js';
import type { LoadedRepository } from './loaded-repository.js';
import type { ParsedFileCache } from './parsed-file-cache.js';
import { parseYamlFile, type ParsedYamlDocument, type ParsedYamlFile } from './parse-yaml-file.js';
import { selectFiles } from './select-files.js';
import { checkReadLimits } from './check-read-limits.js';
import type { IgnoredInput, SourceDocument } from './source-document.js';
import { closestName } from '../suggest.js';
import { isJsonObject } from '../json-value.js';

export interface LoadRepositoryOptions {
  /** The configuration file, repository-relative. Default: `kkp-gitops.yaml`. */
  readonly configFile?: string;
  /** Parsed files of earlier loads, reused for files whose content id is unchanged. Default: none (parse all). */
  readonly parsedFiles?: ParsedFileCache;
  /**
   * The limits to read with instead of the repository's own `spec.limits`: a pull request's head is read with its
   * base's, so that it cannot raise them for itself. Default: the repository's.
   */
  readonly limits?: RepositoryConfig['limits'];
}

export const CONFIG_FILE = 'kkp-gitops.yaml';

/**
 * Reads a desired-state repository: `kkp-gitops.yaml` first, then every `.yaml`/`.yml` file the configuration
 * selects. Problems in the files are diagnostics; only a source that cannot be read at all (missing folder,
 * unknown revision) throws, as `ConfigurationError`.
 */
export async function loadRepository(source: FileSource, options: LoadRepositoryOptions = {}): Promise<LoadedRepository> {
  const configFile = options.configFile ?? CONFIG_FILE;
  const entries = await source.list();
  const diagnostics: Diagnostic[] = [];
  const ignored: IgnoredInput[] = [];

  const configEntry = entries.find((e) => e.path === configFile && e.type !== 'dir');
  let config: RepositoryConfig = DEFAULT_REPOSITORY_CONFIG;
  if (configEntry !== undefined && configEntry.size > DEFAULT_REPOSITORY_CONFIG.limits.maxFileBytes) {
    diagnostics.push(...checkReadLimits([configEntry], DEFAULT_REPOSITORY_CONFIG.limits).diagnostics);
  } else if (configEntry !== undefined) {
    const bytes = (await source.read([configFile])).get(configFile);
    if (configEntry.link?.problem === 'escapes') {
      diagnostics.push(...selectFiles([configEntry], { ...DEFAULT_REPOSITORY_CONFIG }, '').diagnostics);
    } else if (bytes !== undefined) {
      const read = readConfigFile(configFile, bytes);
      config = read.config;
      diagnostics.push(...read.diagnostics);
    }
  }

  if (options.limits !== undefined) config = { ...config, limits: options.limits };
  const selection = selectFiles(entries, config, configFile);
  diagnostics.push(...selection.diagnostics);
  ignored.push(...selection.ignored);

  // Sizes come from the listing: nothing over the limits is read.
  const readable = checkReadLimits(selection.yaml, config.limits);
  diagnostics.push(...readable.diagnostics);
  const paths = readable.read.map((e) => e.path);
  const cache = options.parsedFiles;
  const cached = new Map<string, ParsedYamlFile>();
  if (cache) {
    for (const entry of readable.read) {
      const hit = entry.contentId === undefined ? undefined : cache.get(entry.path, entry.contentId, config.limits);
      if (hit) cached.set(entry.path, hit);
    }
  }
  const contents = await source.read(cached.size === 0 ? paths : paths.filter((p) => !cached.has(p)));
  const contentIds = new Map(selection.yaml.map((e) => [e.path, e.contentId]));
  const documents: SourceDocument[] = [];
  const others: SourceDocument[] = [];
  for (const path of paths) {
    let parsed = cached.get(path);
    if (parsed === undefined) {
      const bytes = contents.get(path);
      if (bytes === undefined) continue;
      parsed = parseYamlFile(path, bytes, config.limits);
      const contentId = contentIds.get(path);
      if (cache && contentId !== undefined) cache.set(path, contentId, config.limits, parsed);
    }
    diagnostics.push(...parsed.diagnostics);
    if (parsed.empty) ignored.push({ file: path, reason: 'empty file (no YAML document)' });
    for (const index of parsed.emptyDocuments) ignored.push({ file: path, index, reason: 'empty document' });
    for (const document of parsed.documents) {
      const outcome = classify(path, document);
      if (outcome.diagnostic !== undefined) diagnostics.push(outcome.diagnostic);
      if (outcome.ignored !== undefined) ignored.push(outcome.ignored);
      if (outcome.document !== undefined) (outcome.managed ? documents : others).push(outcome.document);
    }
  }

  return {
    source: source.description,
    ...(source.commit === undefined ? {} : { commit: source.commit }),
    config,
    documents,
    others,
    ignored,
    diagnostics,
  };
}

function readConfigFile(file: string, bytes: Uint8Array): { config: RepositoryConfig; diagnostics: Diagnostic[] } {
  const parsed = parseYamlFile(file, bytes, DEFAULT_REPOSITORY_CONFIG.limits);
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const [first, ...rest] = parsed.documents;
  for (const extra of rest) {
    diagnostics.push({
      file,
      ...extra.locate(''),
      pointer: '',
      rule: 'config/extra-document',
      severity: 'error',
      message: `${file} holds more than one document; only the first is the configuration`,
      hint: 'Move other documents to files of their own',
    });
  }
  if (first === undefined) return { config: DEFAULT_REPOSITORY_CONFIG, diagnostics };
  if (!isJsonObject(first.value)) {
    diagnostics.push({
      file,
      ...first.locate(''),
      pointer: '',
      rule: 'config/not-a-mapping',
      severity: 'error',
      message: `${file} must be a mapping (apiVersion, kind, spec); the defaults are used`,
    });
    return { config: DEFAULT_REPOSITORY_CONFIG, diagnostics };
  }
  const document: ConfigDocument = { file, value: first.value, locate: (pointer) => first.locate(pointer) };
  const result = parseRepositoryConfig(document);
  diagnostics.push(...result.diagnostics);
  return { config: result.config, diagnostics };
}

interface Classified {
  readonly document?: SourceDocument;
  /** Whether the document is of a kind kkp-gitops manages (`documents`) or another one (`others`). */
  readonly managed?: boolean;
  readonly ignored?: IgnoredInput;
  readonly diagnostic?: Diagnostic;
}

/** Our API groups: an unknown kind in them is a mistake, not someone else's object. */
const KKP_GROUP = `${KKP_API_VERSION.split('/')[0]}/`;
const GITOPS_GROUP = `${GITOPS_API_VERSION.split('/')[0]}/`;

function classify(file: string, parsed: ParsedYamlDocument): Classified {
  const { index, value } = parsed;
  const at = (pointer: string) => ({ file, ...parsed.locate(pointer), pointer });
  if (!isJsonObject(value)) {
    const shape = Array.isArray(value) ? 'a list' : `a single value (${typeof value})`;
    return {
      diagnostic: {
        ...at(''),
        rule: 'load/not-a-mapping',
        severity: 'error',
        message: `Document ${index + 1} of ${file} is ${shape}, not a mapping with apiVersion and kind`,
        hint: 'Each document must be one object; put list items in documents of their own separated by ---',
      },
    };
  }
  const apiVersion = value.apiVersion;
  const kind = value.kind;
  if (typeof apiVersion !== 'string' || apiVersion === '' || typeof kind !== 'string' || kind === '') {
    const missing = typeof apiVersion !== 'string' || apiVersion === '' ? 'apiVersion' : 'kind';
    return {
      diagnostic: {
        ...at(`/${missing}`),
        rule: 'load/missing-kind',
        severity: 'error',
        message: `Document ${index + 1} of ${file} has no ${missing}${missing in value ? ' (it must be a non-empty string)' : ''}`,
        hint: 'Every document needs apiVersion and kind, e.g. apiVersion: kubermatic.k8c.io/v1 and kind: Cluster',
      },
    };
  }
  const document = sourceDocument(file, parsed, value, apiVersion, kind);
  const info = kindInfo(apiVersion, kind);
  if (info !== undefined && !(info.apiVersion === GITOPS_API_VERSION && info.kind === 'Config')) return { document, managed: true };
  if (info !== undefined) {
    return {
      ignored: { file, index, reason: 'Config outside kkp-gitops.yaml at the repository root' },
      diagnostic: {
        ...at('/kind'),
        rule: 'load/misplaced-config',
        severity: 'warning',
        message: `A kkp-gitops Config only counts in kkp-gitops.yaml at the repository root; this one in ${file} is ignored`,
      },
    };
  }
  const ours = apiVersion.startsWith(KKP_GROUP) || apiVersion.startsWith(GITOPS_GROUP);
  const ignoredInput: IgnoredInput = { file, index, reason: `${kind} (${apiVersion}) is not a kind kkp-gitops manages` };
  if (!ours) {
    // A group one typo away from ours is a mistake: ignored, the document's object would be pruned.
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : apiVersion;
    const meant = closestName(group, [KKP_GROUP.slice(0, -1), GITOPS_GROUP.slice(0, -1)]);
    if (meant === undefined) return { document, managed: false, ignored: ignoredInput };
    return {
      document,
      managed: false,
      ignored: ignoredInput,
      diagnostic: {
        ...at('/apiVersion'),
        rule: 'load/unknown-kind',
        severity: 'error',
        message: `${kind} (${apiVersion}) is not a kind kkp-gitops manages, and its API group is close to ${meant}`,
        hint: `Did you mean "${apiVersion.replace(group, meant)}"?`,
      },
    };
  }
  const suggestion = suggestKind(apiVersion, kind);
  return {
    document,
    managed: false,
    ignored: ignoredInput,
    diagnostic: {
      ...at('/kind'),
      rule: 'load/unknown-kind',
      severity: apiVersion.startsWith(GITOPS_GROUP) || suggestion !== undefined ? 'error' : 'warning',
      message: `${kind} (${apiVersion}) is not a kind kkp-gitops manages; the document is ignored`,
      hint: suggestion ?? `Managed kinds: ${KINDS.filter((k) => k.kind !== 'Config').map((k) => `${k.kind} (${k.apiVersion})`).join(', ')}`,
    },
  };
}

/** A did-you-mean for a misspelt kind or a wrong apiVersion of a known kind. */
function suggestKind(apiVersion: string, kind: string): string | undefined {
  const sameKind = KINDS.find((k) => k.kind === kind);
  if (sameKind !== undefined) return `${kind} is apiVersion ${sameKind.apiVersion}`;
  const managed = KINDS.filter((k) => k.kind !== 'Config');
  const name = closestName(kind, managed.map((k) => k.kind));
  const close = managed.find((k) => k.kind === name);
  return close === undefined ? undefined : `Did you mean ${close.kind} (${close.apiVersion})?`;
}

function sourceDocument(file: string, parsed: ParsedYamlDocument, value: Record<string, unknown>, apiVersion: string, kind: string): SourceDocument {
  const metadata = isJsonObject(value.metadata) ? value.metadata : undefined;
  const name = typeof metadata?.name === 'string' ? metadata.name : '';
  const namespace = typeof metadata?.namespace === 'string' ? metadata.namespace : undefined;
  return {
    file,
    index: parsed.index,
    apiVersion,
    kind,
    name,
    ...(namespace === undefined ? {} : { namespace }),
    value,
    line: parsed.line,
    locate: parsed.locate,
  };
}
