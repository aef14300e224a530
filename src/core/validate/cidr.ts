import { isIPv4, isIPv6 } from 'node:net';

export interface Cidr {
  readonly family: 4 | 6;
  readonly prefix: number;
}

/** `10.0.0.0/8` → `{family: 4, prefix: 8}`; undefined when the text is not an IPv4 or IPv6 CIDR. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  if (!/^(0|[1-9]\d{0,2})$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (isIPv4(address)) return prefix <= 32 ? { family: 4, prefix } : undefined;
  if (isIPv6(address)) return prefix <= 128 ? { family: 6, prefix } : undefined;
  return undefined;
}
