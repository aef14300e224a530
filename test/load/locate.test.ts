import { describe, expect, it } from 'vitest';
import { parsePointer } from '../../src/core/load/locate-yaml-node.js';
import { parseYamlFile } from '../../src/core/load/parse-yaml-file.js';

const LIMITS = { maxDocumentBytes: 1_048_576, maxAliases: 100, maxDocumentsPerFile: 1_000, maxDepth: 64 };

const TEXT = `# a comment line
apiVersion: kubermatic.k8c.io/v1
kind: Seed
metadata:
  name: seed-eu
spec:
  datacenters:
    aws-eu:
      spec:
        aws:
          region: eu-central-1
  "a/b": slash
  "m~n": tilde
  ranges:
    - 10.0.0.0/8
    - 192.168.0.0/16
  empty:
---
kind: Second
items: [one, two]
`;

function locate(pointer: string, index = 0, options?: { key?: boolean }) {
  const parsed = parseYamlFile('seed.yaml', Buffer.from(TEXT), LIMITS);
  const document = parsed.documents.find((d) => d.index === index);
  if (document === undefined) throw new Error('document missing');
  return document.locate(pointer, options);
}

describe('locate', () => {
  it('finds a nested scalar value', () => {
    expect(locate('/spec/datacenters/aws-eu/spec/aws/region')).toEqual({ line: 11, column: 19, endLine: 11, endColumn: 31 });
  });

  it('finds a block mapping from its first key to the end of its last value', () => {
    expect(locate('/spec/datacenters/aws-eu')).toEqual({ line: 9, column: 7, endLine: 11, endColumn: 31 });
  });

  it('starts a map entry at its key when asked, so an unknown field is reported on its own line', () => {
    expect(locate('/spec/datacenters/aws-eu', 0, { key: true })).toEqual({ line: 8, column: 5, endLine: 11, endColumn: 31 });
    expect(locate('/spec/datacenters/aws-eu/spec/aws/region', 0, { key: true })).toEqual({ line: 11, column: 11, endLine: 11, endColumn: 31 });
  });

  it('finds list items by index', () => {
    expect(locate('/spec/ranges/1')).toEqual({ line: 16, column: 7, endLine: 16, endColumn: 21 });
    expect(locate('/items/1', 1)).toEqual({ line: 20, column: 14, endLine: 20, endColumn: 17 });
  });

  it('unescapes ~1 and ~0 in pointer segments', () => {
    expect(locate('/spec/a~1b')).toEqual({ line: 12, column: 10, endLine: 12, endColumn: 15 });
    expect(locate('/spec/m~0n').line).toBe(13);
  });

  it('points at the key of an empty value', () => {
    expect(locate('/spec/empty')).toEqual({ line: 17, column: 3, endLine: 17, endColumn: 8 });
  });

  it('falls back to the nearest existing parent for a missing key or index', () => {
    const aws = { line: 11, column: 11, endLine: 11, endColumn: 31 };
    expect(locate('/spec/datacenters/aws-eu/spec/aws/images/ubuntu')).toEqual(aws);
    expect(locate('/spec/ranges/7').line).toBe(15);
    expect(locate('/spec/ranges/x').line).toBe(15);
  });

  it('gives the whole document for the root pointer, and for a pointer into a scalar the scalar', () => {
    expect(locate('')).toMatchObject({ line: 2, column: 1, endLine: 17 });
    expect(locate('/kind/deeper')).toEqual({ line: 3, column: 7, endLine: 3, endColumn: 11 });
  });

  it('parses pointers as RFC 6901 says', () => {
    expect(parsePointer('')).toEqual([]);
    expect(parsePointer('/')).toEqual(['']);
    expect(parsePointer('/a~1b/~0c/~01')).toEqual(['a/b', '~c', '~1']);
  });
});

describe("a document's line", () => {
  it("is the line locate('') points at, through the fast path and through yaml alike", () => {
    const texts = [
      TEXT,
      `\n\n# comments first\n---\n# and after the marker\nkind: A\n---\n\n---\n  # indented comment\nkind: B\n`,
      // Anchors and block scalars take the yaml path.
      `--- \nbase: &base {kind: A}\nother: *base\ntext: |\n  two\n  lines\n---\n\n\nkind: B\n`,
    ];
    for (const text of texts) {
      const parsed = parseYamlFile('file.yaml', Buffer.from(text), LIMITS);
      expect(parsed.documents.length).toBeGreaterThan(1);
      for (const doc of parsed.documents) expect(doc.line, `document ${doc.index} of ${JSON.stringify(text)}`).toBe(doc.locate('').line);
    }
  });
});
