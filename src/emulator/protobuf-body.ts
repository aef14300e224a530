/**
 * Decoding of the Kubernetes protobuf bodies `kubectl` sends for built-in kinds (`kubectl create namespace`,
 * `create configmap`, `create secret`, deletes): the `k8s\0` envelope (runtime.Unknown) and the messages of
 * the kinds the emulator serves. Responses are always JSON; clients accept that.
 */
import { badRequest } from './api-status.js';

type Fields = Map<number, (number | bigint | Buffer)[]>;

function readVarint(buf: Buffer, pos: { i: number }): bigint {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos.i >= buf.length) throw badRequest('protobuf: unexpected end of message');
    const byte = buf[pos.i++] as number;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return result;
    shift += 7n;
  }
}

function parseMessage(buf: Buffer): Fields {
  const fields: Fields = new Map();
  const pos = { i: 0 };
  while (pos.i < buf.length) {
    const tag = Number(readVarint(buf, pos));
    const field = tag >>> 3;
    const wire = tag & 7;
    let value: number | bigint | Buffer;
    if (wire === 0) value = readVarint(buf, pos);
    else if (wire === 2) {
      const length = Number(readVarint(buf, pos));
      value = buf.subarray(pos.i, pos.i + length);
      pos.i += length;
    } else if (wire === 1) {
      value = buf.readBigInt64LE(pos.i);
      pos.i += 8;
    } else if (wire === 5) {
      value = buf.readInt32LE(pos.i);
      pos.i += 4;
    } else throw badRequest(`protobuf: unsupported wire type ${wire}`);
    const list = fields.get(field) ?? [];
    list.push(value);
    fields.set(field, list);
  }
  return fields;
}

const str = (f: Fields, n: number): string | undefined => {
  const v = f.get(n)?.[0];
  return Buffer.isBuffer(v) ? v.toString('utf8') : undefined;
};
const bytes = (f: Fields, n: number): Buffer | undefined => {
  const v = f.get(n)?.[0];
  return Buffer.isBuffer(v) ? v : undefined;
};
const int = (f: Fields, n: number): number | undefined => {
  const v = f.get(n)?.[0];
  return typeof v === 'bigint' ? Number(BigInt.asIntN(64, v)) : typeof v === 'number' ? v : undefined;
};
const bool = (f: Fields, n: number): boolean | undefined => {
  const v = int(f, n);
  return v === undefined ? undefined : v !== 0;
};
const strings = (f: Fields, n: number): string[] => (f.get(n) ?? []).filter(Buffer.isBuffer).map((b) => b.toString('utf8'));
const messages = (f: Fields, n: number): Fields[] => (f.get(n) ?? []).filter(Buffer.isBuffer).map(parseMessage);

function stringMap(f: Fields, n: number, base64 = false): Record<string, string> | undefined {
  const entries = messages(f, n);
  if (entries.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const e of entries) out[str(e, 1) ?? ''] = base64 ? (bytes(e, 2) ?? Buffer.alloc(0)).toString('base64') : (str(e, 2) ?? '');
  return out;
}

function time(f: Fields, n: number, micro = false): string | undefined {
  const m = messages(f, n)[0];
  if (!m) return undefined;
  const seconds = int(m, 1) ?? 0;
  const nanos = int(m, 2) ?? 0;
  const iso = new Date(seconds * 1000 + Math.floor(nanos / 1e6)).toISOString();
  return micro ? `${iso.slice(0, 19)}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${iso.slice(0, 19)}Z`;
}

function prune(object: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(object)) if (object[key] === undefined) delete object[key];
  return object;
}

function objectMeta(f: Fields | undefined): Record<string, unknown> {
  if (!f) return {};
  const finalizers = strings(f, 14);
  return prune({
    name: str(f, 1) || undefined,
    generateName: str(f, 2) || undefined,
    namespace: str(f, 3) || undefined,
    uid: str(f, 5) || undefined,
    resourceVersion: str(f, 6) || undefined,
    labels: stringMap(f, 11),
    annotations: stringMap(f, 12),
    finalizers: finalizers.length ? finalizers : undefined,
  });
}

type Decoder = (f: Fields) => Record<string, unknown>;

const DECODERS: Record<string, Decoder> = {
  Namespace: (f) => {
    const spec = messages(f, 2)[0];
    return prune({ metadata: objectMeta(messages(f, 1)[0]), spec: spec ? { finalizers: strings(spec, 1) } : undefined });
  },
  ConfigMap: (f) => prune({ metadata: objectMeta(messages(f, 1)[0]), data: stringMap(f, 2), binaryData: stringMap(f, 3, true), immutable: bool(f, 4) }),
  Secret: (f) =>
    prune({ metadata: objectMeta(messages(f, 1)[0]), data: stringMap(f, 2, true), type: str(f, 3), stringData: stringMap(f, 4), immutable: bool(f, 5) }),
  Lease: (f) => {
    const s = messages(f, 2)[0];
    const spec = s
      ? prune({
          holderIdentity: str(s, 1),
          leaseDurationSeconds: int(s, 2),
          acquireTime: time(s, 3, true),
          renewTime: time(s, 4, true),
          leaseTransitions: int(s, 5),
        })
      : undefined;
    return prune({ metadata: objectMeta(messages(f, 1)[0]), spec });
  },
  DeleteOptions: (f) => {
    const pre = messages(f, 2)[0];
    const dryRun = strings(f, 5);
    return prune({
      gracePeriodSeconds: int(f, 1),
      preconditions: pre ? prune({ uid: str(pre, 1), resourceVersion: str(pre, 2) }) : undefined,
      propagationPolicy: str(f, 4),
      dryRun: dryRun.length ? dryRun : undefined,
    });
  },
};

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Decodes a `application/vnd.kubernetes.protobuf` body into the JSON object it encodes. */
export function decodeProtobuf(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw badRequest('protobuf: missing the k8s envelope');
  const unknown = parseMessage(body.subarray(4));
  const typeMeta = messages(unknown, 1)[0];
  const apiVersion = typeMeta ? (str(typeMeta, 1) ?? '') : '';
  const kind = typeMeta ? (str(typeMeta, 2) ?? '') : '';
  const decoder = DECODERS[kind];
  if (!decoder) throw badRequest(`protobuf: the emulator cannot decode kind ${JSON.stringify(kind)} from protobuf; send JSON`);
  return { apiVersion, kind, ...decoder(parseMessage(bytes(unknown, 2) ?? Buffer.alloc(0))) };
}
