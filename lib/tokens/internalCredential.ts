import { importJWK, jwtVerify, SignJWT, type CryptoKey, type JWK } from 'jose';
import { GATEWAY_INTERNAL_ISSUER } from '../config.js';
import { HubError } from '../errors.js';
import { LruCache } from '../lru.js';
import type { SigningKey } from '../keys.js';

/**
 * Who is asking, as the gateway tells a subgraph: the citizen themself, a partner acting on consent, or a register
 * owner's caseworker working a queue of free-text requests (subject: the caseworker's id, never a person's).
 */
export type Party = 'citizen' | 'partner' | 'caseworker';

/** The claims of a gateway-to-subgraph credential, after verification. */
export interface InternalCredential {
  /** The hub's person id of the data subject. */
  readonly subject: string;
  readonly scopes: ReadonlySet<string>;
  readonly party: Party;
  readonly clientId: string;
}

/** JOSE `typ` of internal credentials, so no other kind of token can be replayed as one (RFC 8725 §3.11). */
export const INTERNAL_CREDENTIAL_TYPE = 'hub-internal+jwt';
/** The variable and dev file of the gateway's internal signing key. */
export const INTERNAL_KEY_SOURCE = { variable: 'GATEWAY_INTERNAL_PRIVATE_JWK', publicVariable: 'GATEWAY_INTERNAL_PUBLIC_JWK', devFile: 'gateway-internal.jwk', alg: 'EdDSA' } as const;

/** Options for {@link createInternalCredentialMinter}. */
export interface MinterOptions {
  key: SigningKey;
  /** Lifetime of a credential; short, since it only has to outlive one subgraph call. */
  ttlSeconds?: number;
  now?: () => number;
}

/**
 * Mints short-lived credentials that the gateway sends to one subgraph for one subject. A credential is
 * reused for identical claims for the first half of its life, so signing stays off the hot path.
 */
export function createInternalCredentialMinter(options: MinterOptions) {
  const ttl = options.ttlSeconds ?? 60;
  const now = options.now ?? Date.now;
  const cache = new LruCache<string, { token: string; renewAt: number }>(20_000);

  return async function mint(audience: string, claims: InternalCredential): Promise<string> {
    const scope = [...claims.scopes].sort().join(' ');
    const key = `${audience}\n${claims.subject}\n${claims.party}\n${claims.clientId}\n${scope}`;
    const nowMs = now();
    const cached = cache.get(key);
    if (cached && cached.renewAt > nowMs) return cached.token;
    const iat = Math.floor(nowMs / 1000);
    const token = await new SignJWT({ scope, party: claims.party, client_id: claims.clientId })
      .setProtectedHeader({ alg: options.key.alg, typ: INTERNAL_CREDENTIAL_TYPE, kid: options.key.kid })
      .setIssuer(GATEWAY_INTERNAL_ISSUER)
      .setAudience(audience)
      .setSubject(claims.subject)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttl)
      .sign(options.key.privateKey);
    cache.set(key, { token, renewAt: nowMs + (ttl * 1000) / 2 });
    return token;
  };
}

/** Options for {@link createInternalCredentialVerifier}. */
export interface InternalVerifierOptions {
  /** The gateway's public key. */
  publicJwk: JWK;
  /** This subgraph's audience; a credential minted for another subgraph is refused. */
  audience: string;
  now?: () => Date;
  /** Longest lifetime accepted, whatever `exp` says. */
  maxAgeSeconds?: number;
}

/** Verifies internal credentials at a subgraph; verified credentials are cached until they expire. */
export function createInternalCredentialVerifier(options: InternalVerifierOptions) {
  const now = options.now ?? (() => new Date());
  const alg = options.publicJwk.alg ?? 'EdDSA';
  const keyPromise = importJWK({ ...options.publicJwk, alg }, alg) as Promise<CryptoKey>;
  const cache = new LruCache<string, { credential: InternalCredential; exp: number }>(20_000);

  return async function verify(token: string): Promise<InternalCredential> {
    const nowSeconds = now().getTime() / 1000;
    const cached = cache.get(token);
    if (cached && cached.exp > nowSeconds) return cached.credential;
    try {
      const { payload } = await jwtVerify(token, await keyPromise, {
        issuer: GATEWAY_INTERNAL_ISSUER,
        audience: options.audience,
        algorithms: [alg],
        typ: INTERNAL_CREDENTIAL_TYPE,
        requiredClaims: ['exp', 'iat', 'sub'],
        maxTokenAge: `${options.maxAgeSeconds ?? 120}s`,
        clockTolerance: 5,
        currentDate: now(),
      });
      const { scope, party, client_id: clientId } = payload as { scope?: unknown; party?: unknown; client_id?: unknown };
      if (typeof scope !== 'string' || (party !== 'citizen' && party !== 'partner' && party !== 'caseworker') || typeof clientId !== 'string') {
        throw new Error('claims');
      }
      const credential = Object.freeze({ subject: payload.sub as string, scopes: new Set(scope.split(' ').filter(Boolean)), party, clientId });
      cache.set(token, { credential, exp: payload.exp as number });
      return credential;
    } catch (cause) {
      throw new HubError('UNAUTHENTICATED', 'A valid internal credential of the gateway is required', { cause });
    }
  };
}

/** The verifier {@link createInternalCredentialVerifier} returns. */
export type InternalCredentialVerifier = ReturnType<typeof createInternalCredentialVerifier>;
