import { createHash, randomUUID } from 'node:crypto';
import { SignJWT, type CryptoKey, type JWK } from 'jose';

/** JOSE `typ` of a DPoP proof (RFC 9449 §4.2). */
export const DPOP_PROOF_TYPE = 'dpop+jwt';

/**
 * JWK members that only a private or symmetric key has (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2; `priv` of
 * the AKP keys jose also reads). A DPoP proof's `jwk` header must hold none of them (RFC 9449 §4.2).
 */
export const PRIVATE_JWK_MEMBERS: readonly string[] = Object.freeze(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv']);

/** The proof's `ath` for an access token: base64url of the SHA-256 of its ASCII form (RFC 9449 §4.2). */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}

/** The claims {@link createDpopProof} signs; `iat` defaults to now and `jti` to a random UUID. */
export interface DpopProofClaims {
  /** HTTP method of the request the proof is for. */
  htm: string;
  /** URL of that request, without query and fragment (RFC 9449 §4.2). */
  htu: string;
  /** The access token sent with the proof; adds `ath`, which the gateway requires. */
  accessToken?: string;
  /** Issued-at in seconds since the epoch. */
  iat?: number;
  jti?: string;
}

/** Signs a DPoP proof JWT (RFC 9449 §4.2) for one request, for clients, the dev token script and tests. */
export async function createDpopProof(privateKey: CryptoKey, publicJwk: JWK, alg: string, claims: DpopProofClaims): Promise<string> {
  // Refuse rather than strip: a caller passing a private JWK here has mixed up its keys, and must hear of it.
  const leaked = PRIVATE_JWK_MEMBERS.filter((member) => member in publicJwk);
  if (leaked.length > 0) throw new TypeError(`createDpopProof: "publicJwk" must be a public key, but it has private members (${leaked.join(', ')})`);
  const payload: Record<string, unknown> = { htm: claims.htm, htu: claims.htu };
  if (claims.accessToken !== undefined) payload.ath = accessTokenHash(claims.accessToken);
  return new SignJWT(payload)
    .setProtectedHeader({ alg, typ: DPOP_PROOF_TYPE, jwk: publicJwk })
    .setJti(claims.jti ?? randomUUID())
    .setIssuedAt(claims.iat ?? Math.floor(Date.now() / 1000))
    .sign(privateKey);
}
