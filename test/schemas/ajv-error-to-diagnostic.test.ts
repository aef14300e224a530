import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { ajvErrorsToDiagnostics } from '../../src/core/validate/schema/ajv-error-to-diagnostic.js';
import { schemaValidators } from '../../src/core/validate/schema/schema-validators.js';
import { sourceDocumentFromYaml } from './source-documents-from-yaml.js';

/** A schema whose `target` is either a plain name or a reference object: two real alternatives, not just keys. */
const schema = {
  type: 'object',
  properties: {
    target: {
      anyOf: [
        { type: 'string', minLength: 1 },
        { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string' }, namespace: { type: 'string' } } },
      ],
    },
  },
};

function diagnose(yaml: string) {
  const validate = new Ajv({ allErrors: true, verbose: true }).compile(schema);
  const doc = sourceDocumentFromYaml('t.yaml', yaml);
  expect(validate(doc.value)).toBe(false);
  return ajvErrorsToDiagnostics(doc, validate.errors ?? []);
}

describe('ajvErrorsToDiagnostics', () => {
  it('collapses an anyOf into the errors of the alternative that came closest', () => {
    const diagnostics = diagnose('target:\n  name: kubeconfig\n  namspace: kubermatic\n');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ rule: 'schema/additional-property', pointer: '/target/namspace', line: 3, hint: 'Did you mean namespace?' });
  });

  it('reports a value that fits no alternative once', () => {
    const diagnostics = diagnose('target: 42\n');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ rule: 'schema/type', pointer: '/target', line: 1 });
  });
});

describe('schemaValidators', () => {
  it('compiles the schemas once per process', () => {
    expect(schemaValidators()).toBe(schemaValidators());
    expect(schemaValidators().kinds).toEqual(expect.arrayContaining(['Cluster', 'Datacenter', 'Seed', 'Project', 'User', 'UserProjectBinding', 'GroupProjectBinding', 'UserSSHKey', 'KubermaticConfiguration']));
  });
});
