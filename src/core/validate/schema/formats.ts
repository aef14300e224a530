/**
 * The string formats the schemas use beyond the standard ones, each with the phrase messages use to describe it.
 * Standard formats (email, uri, ipv4) come from ajv-formats.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { parseCidr } from '../cidr.js';
import type { Format } from 'ajv';
import { fullFormats } from 'ajv-formats/dist/formats.js';

export interface CustomFormat {
  readonly validate: (value: string) => boolean;
  /** Completes "… must be …" in a message. */
  readonly description: string;
}

const RFC1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const RFC1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;
const VERSION_WILDCARD = /^v?(0|[1-9]\d*)(\.(0|[1-9]\d*|\*|x))?(\.(0|[1-9]\d*|\*|x))?$/;
const CNI_VERSION = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)(\.(0|[1-9]\d*))?$/;
const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const PROJECT_GROUP = /^(owners|editors|viewers|projectmanagers)-[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SSH_KEY = /^(ssh-ed25519|ssh-rsa|ssh-dss|ecdsa-sha2-nistp256|ecdsa-sha2-nistp384|ecdsa-sha2-nistp521|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) ([A-Za-z0-9+/]+={0,2})( [^\r\n]*)?$/;

function isCidr(value: string, family: 4 | 6 | 'any'): boolean {
  const cidr = parseCidr(value);
  return cidr !== undefined && (family === 'any' || cidr.family === family);
}

/** As the apiserver's `IsDNS1123Subdomain`: at most 253 characters, no limit per label (a 64-character sha256 is a name). */
function isRfc1123Subdomain(value: string): boolean {
  return value.length <= 253 && value.split('.').every((label) => RFC1123_LABEL.test(label));
}

/** An authorized_keys line whose base64 blob decodes and names the same key type as its prefix. */
function isSshPublicKey(value: string): boolean {
  const match = SSH_KEY.exec(value.trim());
  if (!match) return false;
  const blob = Buffer.from(match[2] ?? '', 'base64');
  if (blob.length < 4) return false;
  const typeLength = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + typeLength).toString('latin1') === match[1];
}

export const CUSTOM_FORMATS: Readonly<Record<string, CustomFormat>> = {
  cidr: { validate: (v) => isCidr(v, 'any'), description: 'a CIDR block (like 10.240.16.0/20 or fd00::/104)' },
  'ipv4-cidr': { validate: (v) => isCidr(v, 4), description: 'an IPv4 CIDR block (like 10.240.16.0/20)' },
  'ipv6-cidr': { validate: (v) => isCidr(v, 6), description: 'an IPv6 CIDR block (like fd00::/104)' },
  semver: { validate: (v) => SEMVER.test(v), description: 'a semantic version (like 1.35.8 or v1.35.8)' },
  'version-pattern': {
    validate: (v) => SEMVER.test(v) || VERSION_WILDCARD.test(v),
    description: 'a version or a wildcard version (like 1.35.8 or 1.35.*)',
  },
  'cni-version': { validate: (v) => CNI_VERSION.test(v), description: 'a CNI version (like v3.29 or 1.16.6)' },
  'rfc1035-label': {
    validate: (v) => v.length <= 63 && RFC1035_LABEL.test(v),
    description: 'an RFC 1035 label: lowercase letters, digits and "-", starting with a letter and ending with a letter or digit',
  },
  'rfc1123-label': {
    validate: (v) => v.length <= 63 && RFC1123_LABEL.test(v),
    description: 'an RFC 1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit',
  },
  'rfc1123-subdomain': {
    validate: isRfc1123Subdomain,
    description: 'an RFC 1123 name: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit',
  },
  'project-group': {
    validate: (v) => PROJECT_GROUP.test(v),
    description: '<role>-<projectID> with role owners, editors, viewers or projectmanagers (like owners-webshop7k2q)',
  },
  'ssh-public-key': {
    validate: isSshPublicKey,
    description: 'an SSH public key in authorized_keys format (like "ssh-ed25519 AAAAC3... alice@example.com")',
  },
  'country-code': { validate: (v) => /^[A-Z]{2}$/.test(v), description: 'a two-letter country code in capitals (like DE or US)' },
  'duration-go': { validate: (v) => GO_DURATION.test(v), description: 'a duration (like 30s, 5m or 1h30m)' },
};

/** Phrases for the ajv-formats formats the schemas use. */
export const STANDARD_FORMAT_DESCRIPTIONS: Readonly<Record<string, string>> = {
  email: 'an e-mail address',
  uri: 'an absolute URI (like https://keystone.example.com:5000/v3)',
  ipv4: 'an IPv4 address',
};

/**
 * Every format the schemas use, as ajv takes them (`ajv.addFormat(name, format)`): the custom ones above and
 * ajv-formats' full `email`, `uri` and `ipv4`. The schemas compiled at run time add these; the precompiled
 * validators (`src/generated/validators/`) call them by name, so both check exactly the same.
 */
export const SCHEMA_FORMATS: Readonly<Record<string, Format>> = {
  email: fullFormats.email,
  uri: fullFormats.uri,
  ipv4: fullFormats.ipv4,
  ...Object.fromEntries(Object.entries(CUSTOM_FORMATS).map(([name, format]): [string, Format] => [name, { type: 'string', validate: format.validate }])),
};

export function describeFormat(format: string): string {
  return CUSTOM_FORMATS[format]?.description ?? STANDARD_FORMAT_DESCRIPTIONS[format] ?? `in format ${format}`;
}
