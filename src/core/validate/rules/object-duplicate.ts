import type { Diagnostic } from '../../diagnostic.js';
import type { SourceDocument } from '../../load/source-document.js';
import { diagnosticAt, placeOf } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'object/duplicate';

/** apiVersion group, kind, namespace and name: two documents with the same key are the same object. */
function objectKeyOf(doc: SourceDocument): string {
  const group = doc.apiVersion.includes('/') ? doc.apiVersion.slice(0, doc.apiVersion.indexOf('/')) : '';
  return `${group}|${doc.kind}|${doc.namespace ?? ''}|${doc.name}`;
}

function describe(doc: SourceDocument): string {
  return `${doc.kind} ${doc.namespace ? `${doc.namespace}/` : ''}${doc.name}`;
}

export const objectDuplicate: Rule = {
  id,
  description: 'An object (same kind, namespace and name) is defined once. Datacenters are checked by datacenter/unique-name.',
  check({ head }) {
    const byKey = new Map<string, SourceDocument[]>();
    for (const doc of head.repo.documents) {
      if (doc.name === '' || doc.kind === 'Datacenter') continue;
      const key = objectKeyOf(doc);
      const list = byKey.get(key);
      if (list) list.push(doc);
      else byKey.set(key, [doc]);
    }
    const diagnostics: Diagnostic[] = [];
    for (const docs of byKey.values()) {
      if (docs.length < 2) continue;
      for (const doc of docs) {
        const others = docs.filter((d) => d !== doc).map((d) => placeOf(d, '/metadata/name'));
        diagnostics.push(
          diagnosticAt(doc, '/metadata/name', {
            rule: id,
            message: `${describe(doc)} is defined ${docs.length} times; also at ${others.join(', ')}`,
            hint: 'Keep one definition: merge the documents or rename one.',
          }),
        );
      }
    }
    return diagnostics;
  },
};
