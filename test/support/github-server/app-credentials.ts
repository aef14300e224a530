/** The GitHub App's identity on the local GitHub API server: an RSA key pair, and JWT verification like GitHub's. */
import { createPublicKey, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { unauthorized } from './http-json.js';

export interface AppCredentials {
  readonly appId: number;
  readonly slug: string;
  /** PKCS#1 PEM, as GitHub hands out (`PRIVATE_KEY`). */
  readonly privateKey: string;
  readonly publicKey: KeyObject;
  readonly webhookSecret: string;
}

export function createAppCredentials(options: { appId?: number; slug?: string; webhookSecret?: string } = {}): AppCredentials {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return {
    appId: options.appId ?? 4242,
    slug: options.slug ?? 'kkp-gitops',
    privateKey,
    publicKey: createPublicKey(publicKey),
    webhookSecret: options.webhookSecret ?? 'test-webhook-secret',
  };
}

/** Checks an app JWT (RS256, `iss` = app id, not expired, at most 10 minutes long) and throws GitHub's 401 otherwise. */
export function verifyAppJwt(jwt: string, credentials: AppCredentials, nowSeconds: number): void {
  const parts = jwt.split('.');
  if (parts.length !== 3) throw unauthorized('A JSON web token could not be decoded');
  const [header, payload, signature] = parts as [string, string, string];
  const decoded = (part: string): Record<string, unknown> => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  let head: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    head = decoded(header);
    claims = decoded(payload);
  } catch {
    throw unauthorized('A JSON web token could not be decoded');
  }
  if (head['alg'] !== 'RS256') throw unauthorized("'alg' must be RS256");
  const valid = verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), credentials.publicKey, Buffer.from(signature, 'base64url'));
  if (!valid) throw unauthorized('A JSON web token could not be decoded');
  if (String(claims['iss']) !== String(credentials.appId)) throw unauthorized("'Issuer' claim ('iss') must be an Integer");
  const exp = Number(claims['exp']);
  const iat = Number(claims['iat']);
  if (!(exp > nowSeconds)) throw unauthorized("'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires");
  if (exp - iat > 600 + 60) throw unauthorized("'Expiration time' claim ('exp') is too far in the future");
}
