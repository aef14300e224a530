/**
 * The spec of a SelfSubjectAccessReview sent as protobuf (kubectl does): the k8s envelope (`k8s\0`, runtime.Unknown
 * with TypeMeta in field 1 and the raw object in field 2), then SelfSubjectAccessReview.spec (field 2) with
 * resourceAttributes (1: namespace, verb, group, version, resource, subresource, name) or nonResourceAttributes
 * (2: path, verb). Only length-delimited and varint fields occur in these messages.
 */
import { badRequest } from '../api-status.js';
import type { AccessReviewSpec } from './rbac-authorizer.js';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
const RESOURCE_FIELDS = ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'] as const;
const NON_RESOURCE_FIELDS = ['path', 'verb'] as const;

/** Field number → the bytes of its last length-delimited occurrence. */
function fields(buf: Buffer): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  let i = 0;
  const varint = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      if (i >= buf.length) throw badRequest('protobuf: truncated message');
      const byte = buf[i++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
      shift += 7;
      if (shift > 49) throw badRequest('protobuf: varint too long');
    }
  };
  while (i < buf.length) {
    const key = varint();
    const wire = key % 8;
    const field = Math.floor(key / 8);
    if (wire === 0) varint();
    else if (wire === 2) {
      const length = varint();
      if (i + length > buf.length) throw badRequest('protobuf: truncated message');
      out.set(field, buf.subarray(i, i + length));
      i += length;
    } else throw badRequest(`protobuf: unexpected wire type ${wire}`);
  }
  return out;
}

function strings<K extends string>(buf: Buffer | undefined, names: readonly K[]): Record<K, string> | undefined {
  if (!buf) return undefined;
  const f = fields(buf);
  return Object.fromEntries(names.flatMap((name, index) => {
    const value = f.get(index + 1)?.toString('utf8');
    return value ? [[name, value]] : [];
  })) as Record<K, string>;
}

export function decodeAccessReviewProtobuf(body: Buffer): AccessReviewSpec {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw badRequest('protobuf: missing the k8s envelope');
  const raw = fields(body.subarray(4)).get(2) ?? Buffer.alloc(0);
  const spec = fields(raw).get(2);
  const specFields = spec ? fields(spec) : new Map<number, Buffer>();
  const resourceAttributes = strings(specFields.get(1), RESOURCE_FIELDS);
  const nonResourceAttributes = strings(specFields.get(2), NON_RESOURCE_FIELDS);
  return { ...(resourceAttributes ? { resourceAttributes } : {}), ...(nonResourceAttributes ? { nonResourceAttributes } : {}) };
}
