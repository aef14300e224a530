import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostic.js';
import { validateDocumentSchema, validateDocumentsSchema } from '../../src/core/validate/schema/validate-document-schema.js';
import { sourceDocumentFromYaml } from './source-documents-from-yaml.js';
import { VALID } from './valid-documents.js';

function validate(yaml: string): Diagnostic[] {
  return validateDocumentSchema(sourceDocumentFromYaml('doc.yaml', yaml));
}

/** The text of a valid document with one line replaced (1-based) by `replacement` (several lines allowed). */
function edit(kind: string, line: number, replacement: string): string {
  const lines = (VALID[kind] ?? '').split('\n');
  lines.splice(line - 1, 1, ...replacement.split('\n'));
  return lines.join('\n');
}

function insertAfter(kind: string, line: number, added: string): string {
  const lines = (VALID[kind] ?? '').split('\n');
  lines.splice(line, 0, ...added.split('\n'));
  return lines.join('\n');
}

describe('validateDocumentSchema', () => {
  it.each(Object.keys(VALID))('accepts a valid %s', (kind) => {
    expect(validate(VALID[kind] ?? '')).toEqual([]);
  });

  interface Case {
    name: string;
    yaml: string;
    rule: string;
    pointer: string;
    line: number;
    message?: RegExp;
    hint?: RegExp;
  }

  const cases: Case[] = [
    {
      name: 'rejects an unknown Cluster field and suggests the known one',
      yaml: edit('Cluster', 19, '  clusterNetwrok:'),
      rule: 'schema/additional-property',
      pointer: '/spec/clusterNetwrok',
      line: 19,
      message: /^spec\.clusterNetwrok is not a known field of spec$/,
      hint: /did you mean clusterNetwork\?/i,
    },
    {
      name: 'rejects an unknown datacenter field deep inside a Seed with a did-you-mean',
      yaml: edit('Seed', 17, '      locaton: Amsterdam'),
      rule: 'schema/additional-property',
      pointer: '/spec/datacenters/do-ams1/locaton',
      line: 17,
      hint: /did you mean location\?/i,
    },
    {
      name: 'rejects a bad exposeStrategy and names the allowed values',
      yaml: edit('Cluster', 11, '  exposeStrategy: Loadbalancer'),
      rule: 'schema/enum',
      pointer: '/spec/exposeStrategy',
      line: 11,
      message: /^spec\.exposeStrategy must be one of NodePort, LoadBalancer, Tunneling$/,
      hint: /did you mean LoadBalancer\?/i,
    },
    {
      name: 'rejects a bad proxyMode',
      yaml: edit('Cluster', 22, '    proxyMode: userspace'),
      rule: 'schema/enum',
      pointer: '/spec/clusterNetwork/proxyMode',
      line: 22,
      message: /ipvs, iptables, ebpf, nftables/,
    },
    {
      name: 'rejects a bad CNI type',
      yaml: edit('Cluster', 28, '    type: calico'),
      rule: 'schema/enum',
      pointer: '/spec/cniPlugin/type',
      line: 28,
      message: /canal, cilium, none/,
    },
    {
      name: 'requires zoneSuffixes of a Google Cloud datacenter',
      yaml: edit('Datacenter', 15, ''),
      rule: 'schema/required',
      pointer: '/spec/spec/gcp/zoneSuffixes',
      line: 13,
    },
    {
      name: 'rejects a string where a list belongs',
      yaml: edit('Datacenter', 15, '      zoneSuffixes: b'),
      rule: 'schema/type',
      pointer: '/spec/spec/gcp/zoneSuffixes',
      line: 15,
      message: /must be an array \(a list\), not a string/,
    },
    {
      name: 'rejects a mapping where a string belongs',
      yaml: edit('User', 6, '  name:\n    first: Alice'),
      rule: 'schema/type',
      pointer: '/spec/name',
      line: 6,
    },
    {
      name: 'rejects a status block',
      yaml: `${VALID.Project}status:\n  phase: Active\n`,
      rule: 'schema/additional-property',
      pointer: '/status',
      line: 7,
      message: /status is written by KKP/,
    },
    {
      name: 'rejects metadata written by the API server',
      yaml: insertAfter('Project', 4, '  resourceVersion: "12345"'),
      rule: 'schema/additional-property',
      pointer: '/metadata/resourceVersion',
      line: 5,
      message: /written by the API server/,
    },
    {
      name: 'rejects a namespace on a cluster-scoped kind',
      yaml: insertAfter('User', 4, '  namespace: kubermatic'),
      rule: 'schema/additional-property',
      pointer: '/metadata/namespace',
      line: 5,
      message: /cluster-scoped/,
    },
    {
      name: 'rejects a Seed without its kubeconfig reference',
      yaml: VALID.Seed?.replace('  kubeconfig:\n    name: kubeconfig-seed-eu\n    namespace: kubermatic\n', '') ?? '',
      rule: 'schema/required',
      pointer: '/spec/kubeconfig',
      line: 6,
    },
    {
      name: 'rejects an unknown GroupProjectBinding role with a did-you-mean',
      yaml: edit('GroupProjectBinding', 8, '  role: editor'),
      rule: 'schema/enum',
      pointer: '/spec/role',
      line: 8,
      hint: /did you mean editors\?/i,
    },
    {
      name: 'rejects an unknown field in spec.versions but not elsewhere in a KubermaticConfiguration spec',
      yaml: insertAfter('KubermaticConfiguration', 10, '    defualt: 1.35.7'),
      rule: 'schema/additional-property',
      pointer: '/spec/versions/defualt',
      line: 11,
      hint: /did you mean default\?/i,
    },
    {
      name: 'rejects a wrong apiVersion',
      yaml: edit('Datacenter', 1, 'apiVersion: kubermatic.k8c.io/v1'),
      rule: 'schema/const',
      pointer: '/apiVersion',
      line: 1,
      message: /^apiVersion must be gitops\.kkp\.dev\/v1alpha1$/,
    },
  ];

  it.each(cases)('$name', ({ yaml, rule, pointer, line, message, hint }) => {
    const diagnostics = validate(yaml);
    expect(diagnostics, JSON.stringify(diagnostics, null, 2)).toHaveLength(1);
    const [d] = diagnostics;
    expect(d).toMatchObject({ file: 'doc.yaml', rule, pointer, line, severity: 'error' });
    if (message) expect(d?.message).toMatch(message);
    if (hint) expect(d?.hint).toMatch(hint);
  });

  it('reports every problem of a document, not only the first', () => {
    const yaml = edit('Cluster', 11, '  exposeStrategy: Loadbalancer').replace('version: 1.35.7', 'version: [1, 35]');
    expect(validate(yaml).map((d) => d.rule).sort()).toEqual(['schema/enum', 'schema/type']);
  });

  it('says a document that is a list must be a mapping, without throwing', () => {
    const doc = { ...sourceDocumentFromYaml('list.yaml', '- a\n- b\n'), kind: 'Project' };
    expect(validateDocumentSchema(doc)).toMatchObject([{ rule: 'schema/type', pointer: '', message: /the document must be an object/ }]);
  });

  it('leaves documents of kinds without a schema alone', () => {
    expect(validate('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n')).toEqual([]);
  });

  it('validates a batch in document order', () => {
    const docs = [sourceDocumentFromYaml('a.yaml', edit('User', 7, '  email: [nope]')), sourceDocumentFromYaml('b.yaml', VALID.Project ?? ''), sourceDocumentFromYaml('c.yaml', edit('Project', 6, '  nam: x'))];
    expect(validateDocumentsSchema(docs).map((d) => d.file)).toEqual(['a.yaml', 'c.yaml', 'c.yaml']);
  });
});
