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
      name: 'rejects a pod CIDR that is not a CIDR',
      yaml: edit('Cluster', 24, '      cidrBlocks: [172.25.0/16]'),
      rule: 'schema/format',
      pointer: '/spec/clusterNetwork/pods/cidrBlocks/0',
      line: 24,
      message: /^spec\.clusterNetwork\.pods\.cidrBlocks\[0\] must be a CIDR block/,
    },
    {
      name: 'rejects an IPv4 CIDR with a prefix longer than 32',
      yaml: edit('Cluster', 26, '      cidrBlocks: [10.240.16.0/33]'),
      rule: 'schema/format',
      pointer: '/spec/clusterNetwork/services/cidrBlocks/0',
      line: 26,
    },
    {
      name: 'rejects a Cluster version that is not a semantic version',
      yaml: edit('Cluster', 10, '  version: "1.35"'),
      rule: 'schema/format',
      pointer: '/spec/version',
      line: 10,
      message: /semantic version/,
    },
    {
      name: 'rejects a Cluster name longer than 36 characters',
      yaml: edit('Cluster', 4, '  name: shop-production-eu-central-frankfurt-1'),
      rule: 'schema/max-length',
      pointer: '/metadata/name',
      line: 4,
      message: /at most 36 characters/,
    },
    {
      name: 'rejects a Cluster name starting with a digit',
      yaml: edit('Cluster', 4, '  name: 1shop'),
      rule: 'schema/format',
      pointer: '/metadata/name',
      line: 4,
      message: /RFC 1035 label/,
    },
    {
      name: 'requires the project-id label on a Cluster',
      yaml: edit('Cluster', 6, '    owner: checkout'),
      rule: 'schema/required',
      pointer: '/metadata/labels/project-id',
      line: 5,
      message: /^metadata\.labels\.project-id is required$/,
    },
    {
      name: 'requires zoneSuffixes of a Google Cloud datacenter',
      yaml: edit('Datacenter', 15, ''),
      rule: 'schema/required',
      pointer: '/spec/spec/gcp/zoneSuffixes',
      line: 13,
    },
    {
      name: 'requires a datacenter spec to name a provider',
      yaml: 'apiVersion: gitops.kkp.dev/v1alpha1\nkind: Datacenter\nmetadata:\n  name: nowhere\nspec:\n  seed: seed-us\n  spec:\n    enforceAuditLogging: true\n',
      rule: 'schema/one-of',
      pointer: '/spec/spec',
      line: 7,
      message: /must set exactly one of aws, azure, .*; it sets none/,
    },
    {
      name: 'rejects a datacenter spec with two providers, pointing at the second',
      yaml: insertAfter('Seed', 20, '        aws:\n          region: eu-west-1'),
      rule: 'schema/one-of',
      pointer: '/spec/datacenters/do-ams1/spec/aws',
      line: 21,
      message: /it sets digitalocean and aws/,
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
      name: 'rejects inline AWS credentials in a Cluster',
      yaml: insertAfter('Cluster', 15, '      secretAccessKey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'),
      rule: 'schema/additional-property',
      pointer: '/spec/cloud/aws/secretAccessKey',
      line: 16,
      message: /credentials must not be written in Git/,
      hint: /credentialsReference/,
    },
    {
      name: 'rejects an inline DigitalOcean token in place of the credentials reference',
      yaml: VALID.Cluster?.replace('    aws:\n', '    digitalocean:\n').replace('      credentialsReference:\n', '      token: dop_v1_0123456789abcdef\n      credentialsReference:\n').replace('providerName: aws', 'providerName: digitalocean') ?? '',
      rule: 'schema/additional-property',
      pointer: '/spec/cloud/digitalocean/token',
      line: 16,
      message: /credentials must not be written in Git/,
    },
    {
      name: 'rejects a Seed without its kubeconfig reference',
      yaml: VALID.Seed?.replace('  kubeconfig:\n    name: kubeconfig-seed-eu\n    namespace: kubermatic\n', '') ?? '',
      rule: 'schema/required',
      pointer: '/spec/kubeconfig',
      line: 6,
    },
    {
      name: 'rejects a datacenter name that is not an RFC 1123 name',
      yaml: edit('Seed', 15, '    DO_Amsterdam:'),
      rule: 'schema/format',
      pointer: '/spec/datacenters/DO_Amsterdam',
      line: 15,
      message: /key "DO_Amsterdam" must be an RFC 1123 name/,
    },
    {
      name: 'rejects a User e-mail that is not an e-mail address',
      yaml: edit('User', 7, '  email: alice.example.com'),
      rule: 'schema/format',
      pointer: '/spec/email',
      line: 7,
      message: /e-mail address/,
    },
    {
      name: 'rejects a binding group without the <role>-<projectID> form',
      yaml: edit('UserProjectBinding', 8, '  group: admins-webshop7k2q'),
      rule: 'schema/format',
      pointer: '/spec/group',
      line: 8,
      message: /<role>-<projectID>/,
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
      name: 'rejects an SSH key that is not in authorized_keys format',
      yaml: edit('UserSSHKey', 8, '  publicKey: ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAABAQ alice'),
      rule: 'schema/format',
      pointer: '/spec/publicKey',
      line: 8,
    },
    {
      name: 'rejects a default version that is not a semantic version',
      yaml: edit('KubermaticConfiguration', 11, '    default: latest'),
      rule: 'schema/format',
      pointer: '/spec/versions/default',
      line: 11,
    },
    {
      name: 'rejects an unknown field in spec.versions but not elsewhere in a KubermaticConfiguration spec',
      yaml: insertAfter('KubermaticConfiguration', 10, '    defualt: 1.35.8'),
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
    const yaml = edit('Cluster', 11, '  exposeStrategy: Loadbalancer').replace('version: 1.35.8', 'version: latest');
    expect(validate(yaml).map((d) => d.rule).sort()).toEqual(['schema/enum', 'schema/format']);
  });

  it('says a document that is a list must be a mapping, without throwing', () => {
    const doc = { ...sourceDocumentFromYaml('list.yaml', '- a\n- b\n'), kind: 'Project' };
    expect(validateDocumentSchema(doc)).toMatchObject([{ rule: 'schema/type', pointer: '', message: /the document must be an object/ }]);
  });

  it('leaves documents of kinds without a schema alone', () => {
    expect(validate('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n')).toEqual([]);
  });

  it('validates a batch in document order', () => {
    const docs = [sourceDocumentFromYaml('a.yaml', edit('User', 7, '  email: nope')), sourceDocumentFromYaml('b.yaml', VALID.Project ?? ''), sourceDocumentFromYaml('c.yaml', edit('Project', 6, '  nam: x'))];
    expect(validateDocumentsSchema(docs).map((d) => d.file)).toEqual(['a.yaml', 'c.yaml', 'c.yaml']);
  });
});
