import { isJsonObject } from '../render/kube-object.js';
import { SENSITIVE_PLACEHOLDER } from './plan.js';

/**
 * Field names whose values are never shown: passwords, tokens, secret and private keys, kubeconfigs,
 * certificates' keys. (kkp-gitops' own validator rejects inline credentials; this is the second line.)
 */
const SENSITIVE_FIELD = /(password|passwd|secret|token|privatekey|accesskey|accesskeyid|apikey|clientsecret|credential|kubeconfigdata|keydata)s?$/i;
/** References name a Secret; they hold no secret themselves. */
const REFERENCE_FIELD = /(ref|reference|name|namespace|fieldpath)$/i;

export function isSensitiveField(name: string): boolean {
  return SENSITIVE_FIELD.test(name) && !REFERENCE_FIELD.test(name);
}

/** The value as it may be shown: sensitive fields (at `name` or anywhere inside) replaced by a placeholder. */
export function redact(name: string | undefined, value: unknown): unknown {
  if (name !== undefined && isSensitiveField(name) && (typeof value !== 'object' || value === null)) return SENSITIVE_PLACEHOLDER;
  if (Array.isArray(value)) return value.map((v) => redact(undefined, v));
  if (isJsonObject(value)) {
    if (name !== undefined && isSensitiveField(name)) return SENSITIVE_PLACEHOLDER;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(k, v)]));
  }
  return value;
}
