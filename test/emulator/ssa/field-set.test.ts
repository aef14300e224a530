import { describe, expect, it } from 'vitest';
import {
  decodeFieldsV1,
  difference,
  encodeFieldsV1,
  fieldSetFromPaths,
  FieldsV1FormatError,
  intersection,
  isEmpty,
  keyElement,
  paths,
  union,
  valueElement,
} from '../../../src/emulator/ssa/index.js';

const spec = (...rest: string[]): string[] => ['f:spec', ...rest.map((name) => `f:${name}`)];

describe('field sets', () => {
  it('unites, intersects and subtracts paths', () => {
    const a = fieldSetFromPaths([spec('a'), spec('b'), spec('cloud', 'dc')]);
    const b = fieldSetFromPaths([spec('b'), spec('cloud', 'dc'), spec('c')]);
    expect(paths(union(a, b))).toEqual(['.spec.a', '.spec.b', '.spec.c', '.spec.cloud.dc']);
    expect(paths(intersection(a, b))).toEqual(['.spec.b', '.spec.cloud.dc']);
    expect(paths(difference(a, b))).toEqual(['.spec.a']);
    expect(isEmpty(difference(a, a))).toBe(true);
    expect(isEmpty(a)).toBe(false);
  });

  it('subtracts exact paths only, keeping longer paths below a removed member', () => {
    const a = fieldSetFromPaths([['f:spec'], spec('x')]);
    const b = fieldSetFromPaths([['f:spec']]);
    expect(paths(difference(a, b))).toEqual(['.spec.x']);
  });

  it('prints keys, set values and fields the way the apiserver prints conflict paths', () => {
    const set = fieldSetFromPaths([
      ['f:spec', 'f:containers', keyElement({ name: 'app' }), 'f:image'],
      ['f:spec', 'f:ports', keyElement({ protocol: 'TCP', containerPort: 80 })],
      ['f:metadata', 'f:finalizers', valueElement('kubermatic.k8c.io/cleanup')],
    ]);
    expect(paths(set)).toEqual([
      '.metadata.finalizers[="kubermatic.k8c.io/cleanup"]',
      '.spec.containers[name="app"].image',
      '.spec.ports[containerPort=80,protocol="TCP"]',
    ]);
  });
});

describe('FieldsV1', () => {
  it('round-trips', () => {
    const json = {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': {
        '.': {},
        'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {} } },
        'f:replicas': {},
      },
    };
    const decoded = decodeFieldsV1(json);
    expect(encodeFieldsV1(decoded)).toEqual(json);
    expect(JSON.stringify(encodeFieldsV1(decoded))).toBe(JSON.stringify(json));
    expect(paths(decoded)).toEqual([
      '.metadata.labels',
      '.metadata.labels.app',
      '.spec',
      '.spec.containers[name="nginx"]',
      '.spec.containers[name="nginx"].image',
      '.spec.containers[name="nginx"].name',
      '.spec.replicas',
    ]);
  });

  it('writes "." first, fields before keys before values, and keys with sorted key fields', () => {
    const set = fieldSetFromPaths([
      ['f:spec', 'f:list', valueElement('b')],
      ['f:spec', 'f:list', keyElement({ z: 1, a: 'x' })],
      ['f:spec', 'f:list', 'f:zeta'],
      ['f:spec', 'f:list'],
    ]);
    expect(JSON.stringify(encodeFieldsV1(set))).toBe('{"f:spec":{"f:list":{".":{},"f:zeta":{},"k:{\\"a\\":\\"x\\",\\"z\\":1}":{},"v:\\"b\\"":{}}}}');
  });

  it('canonicalises keys written in another order when decoding', () => {
    const set = decodeFieldsV1({ 'f:spec': { 'f:ports': { 'k:{"protocol":"TCP","containerPort":80}': {} } } });
    expect(encodeFieldsV1(set)).toEqual({ 'f:spec': { 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': {} } } });
  });

  it('refuses what is not a FieldsV1 trie', () => {
    expect(() => decodeFieldsV1({ 'x:spec': {} })).toThrow(FieldsV1FormatError);
    expect(() => decodeFieldsV1({ 'f:spec': 1 })).toThrow(FieldsV1FormatError);
    expect(() => decodeFieldsV1([])).toThrow(FieldsV1FormatError);
  });
});
