import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { SigningKey } from '../lib/keys.js';

/** What goes into an access token. */
export interface AccessTokenRequest {
  issuer: string;
  audience: string;
  subject: string;
  clientId: string;
  scopes: readonly string[];
  ttlSeconds: number;
  now?: Date;
}

/** Signs an RFC 9068 JWT access token (`typ: at+jwt`). It carries the person id, never an identity code. */
export function signAccessToken(key: SigningKey, request: AccessTokenRequest): Promise<string> {
  if (!Number.isInteger(request.ttlSeconds) || request.ttlSeconds <= 0) {
    throw new TypeError(`signAccessToken: "ttlSeconds" must be a positive integer, got ${request.ttlSeconds}`);
  }
  const iat = Math.floor((request.now ?? new Date()).getTime() / 1000);
  return new SignJWT({ client_id: request.clientId, scope: request.scopes.join(' ') })
    .setProtectedHeader({ alg: key.alg, typ: 'at+jwt', kid: key.kid })
    .setIssuer(request.issuer)
    .setAudience(request.audience)
    .setSubject(request.subject)
    .setIssuedAt(iat)
    .setExpirationTime(iat + request.ttlSeconds)
    .setJti(randomUUID())
    .sign(key.privateKey);
}
