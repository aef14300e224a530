/** Reading and decoding request bodies: JSON or YAML, by content type. */
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest } from './api-status.js';
import { decodeProtobuf } from './protobuf-body.js';
import type { PatchType } from './virtual-cluster.js';

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export function patchTypeOf(contentType: string | undefined): PatchType | undefined {
  switch (mediaType(contentType)) {
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/json-patch+json':
      return 'json';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/apply-patch+yaml':
    case 'application/apply-patch+cbor':
      return 'apply';
    default:
      return undefined;
  }
}

/** Decodes a body: JSON first (YAML's strict subset), YAML when the media type allows it. */
export function decodeBody(body: Buffer, contentType: string | undefined): unknown {
  const type = mediaType(contentType);
  if (type === 'application/vnd.kubernetes.protobuf') return decodeProtobuf(body);
  const text = body.toString('utf8');
  if (type.includes('protobuf') || type.includes('cbor')) {
    throw new ApiError({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
      reason: 'UnsupportedMediaType',
      code: 415,
      details: {},
    });
  }
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (jsonError) {
    if (type === 'application/yaml' || type === 'application/apply-patch+yaml' || type === 'text/yaml' || type === '') {
      try {
        return parseYaml(text) as unknown;
      } catch (yamlError) {
        throw badRequest(`error decoding YAML: ${(yamlError as Error).message}`);
      }
    }
    throw badRequest(`couldn't get version/kind; json parse error: ${(jsonError as Error).message}`);
  }
}
