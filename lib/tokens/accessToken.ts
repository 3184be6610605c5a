import { errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { HubError } from '../errors.js';
import { LruCache } from '../lru.js';
import { createIssuerKeySet, type IssuerKeySetOptions, type IssuerKeysStatus } from './issuerKeySet.js';

/** What the gateway knows about a caller once their access token is verified. */
export interface VerifiedAccessToken {
  /** The token's subject: the person id for the citizen's own clients, a pairwise id for partners. */
  readonly subject: string;
  readonly clientId: string;
  readonly scopes: ReadonlySet<string>;
  readonly jti: string;
  /** Expiry in seconds since the epoch. */
  readonly expiresAt: number;
  /** The JWK thumbprint the token is bound to (RFC 9449 `cnf.jkt`), if any. */
  readonly confirmation?: string;
  /** The consent a partner's token was issued under (`consent_id`); the gateway checks it on every request. */
  readonly consentId?: string;
}

/** Options for {@link createAccessTokenVerifier}. */
export interface AccessTokenVerifierOptions {
  /** Expected `iss`; the discovery document is read from `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  /** Expected `aud`: the gateway's resource identifier. */
  audience: string;
  /** Accepted signature algorithms; asymmetric only (RFC 8725 §3.1: never let the token choose). */
  algorithms?: string[];
  /** Seconds of clock skew tolerated on `exp`, `nbf` and `iat`. */
  clockToleranceSeconds?: number;
  /** The current time; tests freeze it. */
  now?: () => Date;
  /** Discovery document and JWKS fetch; tests swap it. */
  fetch?: typeof fetch;
  /** A fixed key set instead of discovery (tests); never stale. */
  keySet?: JWTVerifyGetKey;
  /** Minimum time between two JWKS refetches caused by an unknown `kid`. */
  jwksCooldownMs?: number;
  /** The issuer's keys are trusted this long after the last successful fetch; then tokens get 503 `ISSUER_UNAVAILABLE`. */
  keysMaxAgeMs?: number;
  /** How often the issuer's keys are refetched in the background (less than `keysMaxAgeMs`). */
  keysRefreshMs?: number;
  /** Where key refresh failures are reported. */
  logger?: IssuerKeySetOptions['logger'];
}

/** The issuer's keys as `/readyz` reports them; `fixed` for a configured key set, which never goes stale. */
export type AccessTokenKeysStatus = IssuerKeysStatus | { readonly state: 'fixed'; readonly ageSeconds: null };

const ASYMMETRIC = new Set(['ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512', 'EdDSA', 'Ed25519']);

/**
 * Verifies RFC 9068 access tokens: pinned asymmetric algorithms, `typ: at+jwt`, and `iss`, `aud`, `exp`, `iat`,
 * `sub`, `jti`, `client_id`, `scope` all required. Verified tokens are cached until they expire, and are accepted
 * (cached or not) only while the issuer's keys are fresh (`lib/tokens/issuerKeySet.ts`); a change of key set empties
 * the cache, so a token signed with a withdrawn key is refused after the next fetch.
 */
export function createAccessTokenVerifier(options: AccessTokenVerifierOptions) {
  const algorithms = options.algorithms ?? ['ES256'];
  for (const alg of algorithms) {
    if (!ASYMMETRIC.has(alg)) throw new TypeError(`createAccessTokenVerifier: "algorithms" may hold asymmetric algorithms only, got ${alg}`);
  }
  const now = options.now ?? (() => new Date());
  const tolerance = options.clockToleranceSeconds ?? 5;
  const cache = new LruCache<string, VerifiedAccessToken>(10_000);
  // Bumped when the key set changes: a verification that began before the change must not refill the cache.
  let keysGeneration = 0;
  const issuerKeys = options.keySet
    ? undefined
    : createIssuerKeySet({
        issuer: options.issuer,
        maxAgeMs: options.keysMaxAgeMs,
        refreshIntervalMs: options.keysRefreshMs,
        cooldownMs: options.jwksCooldownMs,
        now,
        fetch: options.fetch,
        logger: options.logger,
        onChange: () => {
          keysGeneration += 1;
          cache.clear();
        },
      });
  const getKey: JWTVerifyGetKey = options.keySet ?? issuerKeys!.getKey;

  async function verify(token: string): Promise<VerifiedAccessToken> {
    const nowSeconds = Math.floor(now().getTime() / 1000);
    const cached = cache.get(token);
    if (cached) {
      if (cached.expiresAt + tolerance <= nowSeconds) {
        cache.delete(token);
        throw unauthenticated('The access token has expired');
      }
      // A token verified earlier is only as good as the keys it was verified with: stale keys refuse it too.
      await issuerKeys?.ensureFresh();
      return cached;
    }
    const generation = keysGeneration;
    let payload: JWTPayload;
    try {
      // Stale keys refuse inside getKey (503 ISSUER_UNAVAILABLE), after jose has checked the token's form and `alg`,
      // so that a malformed token is still a 401.
      ({ payload } = await jwtVerify(token, getKey, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms,
        typ: 'at+jwt',
        requiredClaims: ['exp', 'iat', 'sub', 'jti', 'client_id', 'scope'],
        clockTolerance: tolerance,
        currentDate: now(),
      }));
    } catch (error) {
      if (error instanceof HubError) throw error;
      throw unauthenticated(describe(error), error);
    }
    // RFC 9068 §4: a token issued in the future is not valid yet (jose checks `nbf` but not `iat`).
    if (typeof payload.iat !== 'number' || payload.iat > nowSeconds + tolerance) {
      throw unauthenticated('The access token is not valid yet');
    }
    const claims = payload as JWTPayload & { client_id?: unknown; scope?: unknown; cnf?: { jkt?: unknown }; consent_id?: unknown };
    if (typeof claims.client_id !== 'string' || typeof claims.scope !== 'string' || typeof claims.jti !== 'string') {
      throw unauthenticated('The access token lacks required claims');
    }
    const verified: VerifiedAccessToken = Object.freeze({
      subject: claims.sub as string,
      clientId: claims.client_id,
      scopes: new Set(claims.scope.split(' ').filter(Boolean)),
      jti: claims.jti,
      expiresAt: claims.exp as number,
      confirmation: typeof claims.cnf?.jkt === 'string' ? claims.cnf.jkt : undefined,
      consentId: typeof claims.consent_id === 'string' ? claims.consent_id : undefined,
    });
    if (generation === keysGeneration) cache.set(token, verified);
    return verified;
  }

  /** The issuer's keys: fresh or stale and how old, after a refetch if they were stale (used by `/readyz`). */
  function keys(): Promise<AccessTokenKeysStatus> {
    return issuerKeys ? issuerKeys.status() : Promise.resolve({ state: 'fixed', ageSeconds: null });
  }

  /** True when tokens can be verified: the issuer's keys are fresh. */
  async function ready(): Promise<boolean> {
    return (await keys()).state !== 'stale';
  }

  /** Refetches the issuer's keys now (what the background refresh does); rejects if the issuer cannot be asked. */
  async function refreshKeys(): Promise<void> {
    await issuerKeys?.refresh();
  }

  /** Stops the background refresh of the issuer's keys. */
  function stop(): void {
    issuerKeys?.stop();
  }

  return { verify, ready, keys, refreshKeys, stop };
}

/** The verifier {@link createAccessTokenVerifier} returns. */
export type AccessTokenVerifier = ReturnType<typeof createAccessTokenVerifier>;

function unauthenticated(message: string, cause?: unknown): HubError {
  return new HubError('UNAUTHENTICATED', message, { cause });
}

/** A client-safe reason for a failed verification: never echoes the token or its claims. */
function describe(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The access token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'The access token is not valid yet';
    if (error.claim === 'aud') return 'The access token is not meant for this resource';
    if (error.claim === 'iss') return 'The access token was not issued by a trusted issuer';
    return 'The access token lacks required claims';
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'The access token is signed with an unknown key';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'The access token uses an algorithm that is not accepted';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'The access token signature is invalid';
  return 'The access token is malformed or invalid';
}
