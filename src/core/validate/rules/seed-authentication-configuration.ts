import type { Diagnostic } from '../../diagnostic.js';
import { childPointer } from '../../model/json-pointer.js';
import { objectAt, stringAt } from '../../model/plain-data.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'seed/authentication-configuration';

/** The releases whose Seed webhook has `validateAuthenticationConfiguration` (it came with KKP v2.31). */
const CHECKED_FROM: ReadonlySet<string> = new Set(['v2.29', 'v2.30']);

export const seedAuthenticationConfiguration: Rule = {
  id,
  description:
    "A Seed sets at most one of authenticationConfiguration and oidcProviderConfiguration; an authenticationConfiguration (of the Seed or a datacenter) names a secretName and secretKey, an oidcProviderConfiguration an issuerURL and issuerClientID (KKP v2.31: pkg/webhook/seed/validation.go validateAuthenticationConfiguration).",
  check({ head, versions }) {
    if (CHECKED_FROM.has(versions.release)) return [];
    const diagnostics: Diagnostic[] = [];
    for (const seed of head.documentsOf('Seed')) {
      const authentication = objectAt(seed.value, 'spec', 'authenticationConfiguration');
      const oidc = objectAt(seed.value, 'spec', 'oidcProviderConfiguration');
      const at = (pointer: string, message: string, hint: string) => diagnosticAt(seed, pointer, { rule: id, message: `seed "${seed.name}": ${message}`, hint });
      if (authentication && oidc) {
        diagnostics.push(at('/spec/oidcProviderConfiguration', 'only one of spec.authenticationConfiguration and spec.oidcProviderConfiguration can be set', 'Keep one of them.'));
      }
      if (authentication && (!stringAt(authentication, 'secretName') || !stringAt(authentication, 'secretKey'))) {
        diagnostics.push(at('/spec/authenticationConfiguration', 'spec.authenticationConfiguration must name a secretName and a secretKey', 'Reference the Secret (and its key) holding the authentication configuration.'));
      }
      if (oidc && (!stringAt(oidc, 'issuerURL') || !stringAt(oidc, 'issuerClientID'))) {
        diagnostics.push(at('/spec/oidcProviderConfiguration', 'spec.oidcProviderConfiguration must specify issuerURL and issuerClientID', 'Set both, as the OIDC provider registered the client.'));
      }
    }
    for (const entry of head.datacenters) {
      const authentication = objectAt(entry.spec, 'spec', 'authenticationConfiguration');
      if (!authentication || (stringAt(authentication, 'secretName') && stringAt(authentication, 'secretKey'))) continue;
      diagnostics.push(
        diagnosticAt(entry.source, childPointer(entry.pointer, 'spec', 'authenticationConfiguration'), {
          rule: id,
          message: `datacenter "${entry.name}": spec.authenticationConfiguration must contain a valid secret reference with secretName and secretKey`,
          hint: 'Reference the Secret (and its key) holding the authentication configuration.',
        }),
      );
    }
    return diagnostics;
  },
};
