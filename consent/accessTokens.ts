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
  /** RFC 9449 `cnf.jkt`: the thumbprint of the key the token is bound to (partners). */
  confirmation?: string;
  /** The consent a partner's token stands on. */
  consentId?: string;
}

/**
 * Signs an RFC 9068 JWT access token (`typ: at+jwt`) the way the authorization server does, for `npm run token`
 * and tests. It carries the person id or a pairwise id, never an identity code.
 */
export function signAccessToken(key: SigningKey, request: AccessTokenRequest): Promise<string> {
  if (!Number.isInteger(request.ttlSeconds) || request.ttlSeconds <= 0) {
    throw new TypeError(`signAccessToken: "ttlSeconds" must be a positive integer, got ${request.ttlSeconds}`);
  }
  const iat = Math.floor((request.now ?? new Date()).getTime() / 1000);
  const claims: Record<string, unknown> = { client_id: request.clientId, scope: request.scopes.join(' ') };
  if (request.confirmation) claims.cnf = { jkt: request.confirmation };
  if (request.consentId) claims.consent_id = request.consentId;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, typ: 'at+jwt', kid: key.kid })
    .setIssuer(request.issuer)
    .setAudience(request.audience)
    .setSubject(request.subject)
    .setIssuedAt(iat)
    .setExpirationTime(iat + request.ttlSeconds)
    .setJti(randomUUID())
    .sign(key.privateKey);
}
